"""The body map and a chosen file of the signal form against fake services: what is sent to
signals after the signal, a refusal that keeps the signal, and the download through the portal."""

from __future__ import annotations

import io
import json

import httpx
from PIL import Image

from meldcode_web.pages.body_map import BodyMap

from .shell_fakes import FakeServices, csrf_of, log_in, portal

PUPIL = "0b6a7f52-8c4e-4a57-9d2c-2d6f8f7b0a11"
SIGNAL = "5d1c0f0e-2b7a-4c1e-8d8e-3f1f2a9b7c66"
ATTACHMENT = "7e0b1c2d-3f4a-4b5c-8d6e-9f0a1b2c3d4e"
PUPIL_BODY = {"pupil_id": PUPIL, "given_name": "Sanne", "family_name": "Jansen", "pupil_number": "123",
              "school": "12AB", "date_of_birth": "2014-03-09"}  # fmt: skip
FORM = {
    "observed_on": "2026-01-05",
    "description": "Blauwe plek op de linkerarm.",
    "source_kind": "own_observation",
}
PHOTO = b"\xff\xd8\xff\xe0" + b"\x01" * 200


def teacher_with(services: FakeServices):  # type: ignore[no-untyped-def]
    services.on("GET", f"/pupils/{PUPIL}", body=PUPIL_BODY)
    services.on("POST", f"/pupils/{PUPIL}/signals", status=201, body={"signal_id": SIGNAL, "pupil_id": PUPIL})
    client, _, _ = portal(services=services)
    log_in(client)
    return client


def uploads(services: FakeServices) -> list[httpx.Request]:
    return [
        r for r in services.requests if r.url.path == f"/signals/{SIGNAL}/attachments" and r.method == "POST"
    ]


def test_the_form_offers_the_body_map_with_a_checkbox_per_part_and_a_file_input() -> None:
    client = teacher_with(FakeServices())
    html = client.get(f"/leerkracht/leerlingen/{PUPIL}/signaal").text
    assert 'enctype="multipart/form-data"' in html
    assert "Lichaamskaart" in html and 'role="img"' in html and 'data-region="borst"' in html
    for value in ("hoofd", "gezicht", "hals", "borst", "buik", "rug", "billen", "arm_links", "arm_rechts"):
        assert f'id="body_region_{value}"' in html and f'name="body_regions" value="{value}"' in html
    assert 'type="file" id="attachment" name="attachment"' in html and "Foto of document toevoegen" in html
    assert '<script src="/static/js/body-map.js" defer>' in html


def test_a_body_map_and_a_photo_are_sent_after_the_signal() -> None:
    services = FakeServices()
    services.on("POST", f"/signals/{SIGNAL}/attachments", status=201, body={"id": ATTACHMENT})
    client = teacher_with(services)
    response = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal",
        data={**FORM, "body_regions": ["arm_links", "onbekend"], "body_marks": "100,90;999,5;x",
              "csrf_token": csrf_of(client)},
        files={"attachment": ("briefje.jpg", PHOTO, "image/jpeg")},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"/leerkracht/signalen/{SIGNAL}?vastgelegd=1"
    methods = [(r.method, r.url.path) for r in services.requests]
    assert methods.index(("POST", f"/pupils/{PUPIL}/signals")) < methods.index(
        ("POST", f"/signals/{SIGNAL}/attachments")
    )
    body_map, photo = uploads(services)
    assert b'name="kind"\r\n\r\nlichaamskaart' in body_map.content
    assert b"\x89PNG\r\n\x1a\n" in body_map.content
    assert b'name="kind"\r\n\r\nfoto' in photo.content and PHOTO in photo.content
    signal_sent = json.loads(next(r for r in services.requests if r.url.path.endswith("/signals")).content)
    assert "body_regions" not in signal_sent and "attachment" not in signal_sent


def test_without_a_body_map_or_file_nothing_is_attached() -> None:
    services = FakeServices()
    client = teacher_with(services)
    response = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal", data={**FORM, "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 303
    assert uploads(services) == []


def test_a_refused_file_keeps_the_signal_and_says_so_on_its_page() -> None:
    services = FakeServices()
    services.on("POST", f"/signals/{SIGNAL}/attachments", status=415,
                body={"title": "Niet toegestaan", "status": 415, "rule": "attachment-type",
                      "detail": "Dit bestand is geen foto (JPEG of PNG) of PDF."})  # fmt: skip
    client = teacher_with(services)
    response = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal",
        data={**FORM, "csrf_token": csrf_of(client)},
        files={"attachment": ("virus.png", b"MZ\x90\x00", "image/png")},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/leerkracht/signalen/{SIGNAL}?vastgelegd=1&bijlage_geweigerd=1"

    services.on("GET", f"/signals/{SIGNAL}/attachments", body={"items": []})
    retry = client.post(
        f"/signalen/{SIGNAL}/bijlagen",
        data={"csrf_token": csrf_of(client)},
        files={"attachment": ("virus.png", b"MZ\x90\x00", "image/png")},
    )
    assert retry.status_code == 415
    assert "Dit bestand is geen foto (JPEG of PNG) of PDF." in retry.text


def test_the_attachments_are_listed_and_downloaded_through_the_portal() -> None:
    services = FakeServices()
    services.on("GET", f"/signals/{SIGNAL}/attachments", body={"items": [
        {"id": ATTACHMENT, "signal_id": SIGNAL, "kind": "lichaamskaart", "content_type": "image/png",
         "size": 20480, "added_at": "2026-01-05T10:00:00Z", "added_by": "leerkracht-anna",
         "added_by_role": "leerkracht"}]})  # fmt: skip
    services.answers[("GET", f"/signals/{SIGNAL}/attachments/{ATTACHMENT}")] = lambda _: httpx.Response(
        200,
        content=b"\x89PNG\r\n\x1a\nrest",
        headers={"content-type": "image/png", "content-disposition": 'attachment; filename="bijlage.png"'},
    )
    client = teacher_with(services)
    page = client.get(f"/signalen/{SIGNAL}/bijlagen")
    assert page.status_code == 200
    assert f'href="/signalen/{SIGNAL}/bijlagen/{ATTACHMENT}" download>Lichaamskaart downloaden' in page.text
    assert "PNG-afbeelding, 20 kB" in page.text
    download = client.get(f"/signalen/{SIGNAL}/bijlagen/{ATTACHMENT}")
    assert download.status_code == 200 and download.content == b"\x89PNG\r\n\x1a\nrest"
    assert download.headers["content-disposition"] == 'attachment; filename="bijlage.png"'
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["cache-control"] == "no-store"


def test_the_body_map_png_shades_the_chosen_parts_and_keeps_marks_inside_the_drawing() -> None:
    body_map = BodyMap.parse(["buik", "voeten", "nergens"], "10,10;300,10;;a,b;60,130")
    assert body_map.regions == ("buik", "voeten")
    assert body_map.marks == ((10.0, 10.0), (60.0, 130.0))
    image = Image.open(io.BytesIO(body_map.png(scale=1)))
    assert image.format == "PNG"
    assert image.getpixel((60, 130)) == (192, 0, 0), "the mark on the belly"
    assert image.getpixel((60, 120)) == (244, 182, 182), "the chosen belly is shaded"
    assert image.getpixel((60, 80)) == (242, 242, 242), "the chest is not chosen"
    assert BodyMap.parse([], "").empty
