"""API tokens: create (shown once), list, revoke."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from server.api.auth import current_user
from server.api.blueprint import Blueprint
from server.errors import not_found
from server.extensions import db
from server.models import ApiToken
from server.schemas.common import page_of
from server.schemas.user import NewTokenOut, TokenIn, TokenOut
from server.services.tokens import issue_token

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="API tokens")
TokenPage = page_of(TokenOut, "TokenPage")


def _view(token: ApiToken) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "created_at": token.created_at,
            "last_used_at": token.last_used_at}


@blp.route("")
class Tokens(MethodView):
    @blp.response(200, TokenPage)
    def get(self) -> dict[str, Any]:
        rows = db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == current_user().id).order_by(ApiToken.id)
        )
        return {"items": [_view(t) for t in rows], "next": None}

    @blp.arguments(TokenIn)
    @blp.response(201, NewTokenOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        token, raw = issue_token(db.session, current_user(), data["name"])
        db.session.commit()
        return {**_view(token), "token": raw}


@blp.route("/<id:token_id>")
class TokenItem(MethodView):
    @blp.response(204)
    def delete(self, token_id: int) -> None:
        token = db.session.get(ApiToken, token_id)
        if token is None or token.user_id != current_user().id:
            raise not_found("Token")
        db.session.delete(token)
        db.session.commit()
