"""Import: upload a contacts file, see the summary, download the failed rows."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import abort, current_app, render_template, send_file
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from server.extensions import db
from server.importers import FORMATS
from server.services.imports import failed_rows_csv, import_file
from server.web.blueprint import bp, me

FORMAT_LABELS = {"auto": "Detect it", "linkedin": "LinkedIn (Connections.csv or the .zip)",
                 "google": "Google Contacts CSV", "vcard": "vCard", "csv": "CSV with a header",
                 "mbox": "Mail (.mbox, e.g. Google Takeout)"}
_REPORT = re.compile(r"[A-Za-z0-9_-]{16,64}")


class ImportForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose a file to import.")])
    format = SelectField("Format", choices=[(f, FORMAT_LABELS[f]) for f in (*FORMATS, "mbox")],
                         default="auto")
    me_url = StringField("Your own LinkedIn address (to read the messages of a .zip)",
                         validators=[Optional(), Length(max=2000)])


def _reports() -> Path:
    return Path(current_app.instance_path, "import-reports")


@bp.route("/import", methods=["GET", "POST"])
def import_page() -> str | tuple[str, int]:
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("web/import.html", form=form), 422 if form.errors else 200
    upload = form.file.data
    summary = import_file(db.session, me(), upload.stream, upload.filename or "upload",
                          form.format.data or "auto", form.me_url.data or None)
    report = None
    if summary.failed:
        report = secrets.token_urlsafe(18)
        folder = _reports()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{me().id}-{report}.csv").write_text(failed_rows_csv(summary))
    return render_template("web/import.html", form=ImportForm(formdata=None), summary=summary,
                           report=report)


@bp.route("/import/failed-rows/<report>.csv")
def failed_rows(report: str) -> Response:
    path = _reports() / f"{me().id}-{report}.csv"
    if not _REPORT.fullmatch(report) or not path.is_file():
        abort(404)
    return send_file(path, mimetype="text/csv", as_attachment=True,
                     download_name="thrice-failed-rows.csv")
