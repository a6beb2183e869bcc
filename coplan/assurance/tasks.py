"""Background work: make an evidence pack (its content, checksum and PDF)."""

from django_tasks import task

from coplan.assurance import packs
from coplan.assurance.models.packs import EvidencePack


@task()
def build_pack_task(pack_id: int) -> str:
    pack = (
        EvidencePack.objects.select_related("person__service", "service")
        .filter(pk=pack_id, status=EvidencePack.Status.QUEUED)
        .first()
    )
    if pack is None:
        return "gone or already made"
    packs.pack_build(pack=pack)
    return pack.checksum
