"""/api/v1/esign: check an electronic signature."""

from __future__ import annotations

from fastapi import APIRouter

from qtqms.esign import service
from qtqms.esign.schemas import SignatureCheck
from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/esign", tags=["e-signatures"], responses=ERROR_RESPONSES)


@router.get(
    "/signatures/{signature_id}/verify",
    response_model=SignatureCheck,
    summary="A signature with the verdict on its bytes, manifest and expiry",
)
def verify_signature(signature_id: RecordId, uow: Uow, actor: CurrentActor) -> SignatureCheck:
    signature, verification = service.check_signature(uow, actor, signature_id)
    return SignatureCheck(signature=signature, verification=verification, state_checked=False)
