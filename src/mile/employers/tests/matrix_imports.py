"""Role × URL rows for importing employers and offers (collected by core/tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import ADM, CW, OP, OPU, C, Row, _none, _signed_in


def _coordinators_token(world: World) -> dict[str, Any]:
    from mile.employers.views.imports import store_upload, upload_token

    path = store_upload(b"name,country,site\nMatrix Import GmbH,AT,Innsbruck\n", "csv")
    token = upload_token(
        path=path, programme=world.programme, kind="employers", user=world.users[C]
    )
    return {"token": token}


ROWS: dict[str, Row] = {
    # Staff who manage employers somewhere import them; contacts, evaluators, stakeholders not.
    "employers:import_upload": Row(
        "get", _none, _signed_in(403, **{ADM: 200, C: 200, CW: 200, OPU: 200, OP: 200})
    ),
    # The previewed file is its uploader's alone: anyone else's token is unknown.
    "employers:import_confirm": Row("post", _coordinators_token, _signed_in(404, **{C: 302})),
}
