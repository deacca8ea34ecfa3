"""Schemathesis hooks (.ci/schemathesis loads them): the media formats of the
model inputs (`image_uri`, `video_uri`, `audio_uri`, also the items of the
`*_uris` arrays) are references the service fetches and measures, which a
JSON Schema cannot say, so a random string is rightly refused with the
documented 422. Schema-valid inputs draw them from these data: URIs
instead, whose headers say what the media rules measure (a 1280x720 PNG
and MP4 as runcomfy_validate::fixtures makes them, and a short WAV).
"""

import schemathesis
from hypothesis import strategies as st

IMAGE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAABQAAAALQCAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
VIDEO = "data:video/mp4;base64,AAAAGGZ0eXBpc29tAAACAGlzb21tcDQxAAAAbG1vb3YAAABkdHJhawAAAFx0a2hkAAAAAwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAUAAAAC0AAA"
AUDIO = "data:audio/wav;base64,UklGRmQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

for name, uri in (("image_uri", IMAGE), ("video_uri", VIDEO), ("audio_uri", AUDIO)):
    schemathesis.openapi.format(name, st.just(uri))
