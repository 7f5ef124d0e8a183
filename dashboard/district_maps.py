"""GET /district-maps/<unit>: a district's map image for its wall (issue 17), as the ledger keeps it
(ledger/models/district_map.py). The route needs `wall.view`; the unit is then held to the caller
here: only someone who may read every school under the unit gets its map (the district wall's
rule, dashboard/pages/district_wall/callbacks.py). The bytes were checked when they came in
(ledger/commands/district_maps.py); they go out with their checked type and `nosniff`, and may be
cached: the wall's address for them carries their digest.
"""
from __future__ import annotations

from flask import Blueprint, Flask, abort

from dashboard.pages.district_wall.callbacks import ledger_part, may_read_unit
from dashboard.plan_images import stored_image
from dashboard.services import services
from kernel.contract import SCHOOL_ID
from queries.ledger.district_wall import map_image

district_maps = Blueprint("district_maps", __name__)


@district_maps.get("/district-maps/<unit>")
def image(unit: str):
    if not SCHOOL_ID.fullmatch(unit):
        abort(404)
    part = ledger_part(unit)
    if part is None or not may_read_unit(part["district"]["schools"]):
        abort(404)  # the same answer as for no map: whether B has one is not A's to know
    with services().ledger_reads() as session:
        found = map_image(session, unit)
        if found is None:
            abort(404)
        return stored_image(found)


def register(server: Flask) -> None:
    server.register_blueprint(district_maps)
