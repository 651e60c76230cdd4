from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

FILE_HELP = _(
    "A CSV or XLSX file of at most %(limit)s with the columns %(columns)s, headed in Finnish or in English; "
    "a score may add %(responses)s. Nothing is saved before you confirm the preview."
)
# A usage file's columns by their Finnish header and, in brackets, the English one (contract.HEADER_ALIASES).
FILE_COLUMNS = [
    ("hyvinvointialue", "county"),
    ("palvelualue", "service_area"),
    ("sisältö", "module"),
    ("mittari", "metric"),
    ("jaksotyyppi", "period_type"),
    ("jakso", "period"),
    ("määrä", "value"),
]
RESPONSES_COLUMN = ("vastauksia", "responses")


def _column(finnish: str, english: str) -> str:
    return f"{finnish} ({english})"


class UsageImportForm(forms.Form):
    file = forms.FileField(label=_("Statistics file"))

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = FILE_HELP % {
            "limit": filesizeformat(max_bytes),
            "columns": ", ".join(_column(*column) for column in FILE_COLUMNS),
            "responses": _column(*RESPONSES_COLUMN),
        }


class UploadSizeLimitHandler(FileUploadHandler):
    """Stops reading an uploaded file at the import's size limit.

    Placed first among the request's upload handlers, it passes each chunk on until the
    file grows past `max_bytes`; then no more of it reaches memory or the temporary file
    on disk. The rest of the request body is read and dropped here, in chunks, so that
    the browser still receives the page that says why the file was refused.
    """

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.refused_file_name = None

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.refused_file_name = self.file_name
            self._drain_request()
            # Django would drain the body itself, but line by line (multipartparser.exhaust
            # iterates the request): a hostile body without line breaks would be one line
            # held whole in memory.
            raise StopUpload(connection_reset=True)
        return raw_data

    def _drain_request(self):
        while self.request.read(self.chunk_size):
            pass

    def file_complete(self, file_size):
        return None
