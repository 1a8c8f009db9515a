"""Headers and cookies under production settings (DJANGO_DEBUG=false behind the TLS proxy)."""

import http.client


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", **(headers or {})},
        )
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def test_pages_deny_camera_microphone_and_location(production_server):
    response = request(production_server, "GET", "/healthz")
    assert response.status == 200
    policy = response.getheader("Permissions-Policy")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_the_language_cookie_is_secure_and_httponly(production_server):
    port = production_server
    csrf = "k" * 32  # a CSRF secret of the right form, in the cookie and in the form
    response = request(
        port,
        "POST",
        "/language/",
        body=f"language=en&next=/&csrfmiddlewaretoken={csrf}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"https://127.0.0.1:{port}/accounts/login/",
        },
    )
    assert response.status == 302
    cookie = next(
        value
        for name, value in response.getheaders()
        if name.lower() == "set-cookie" and value.startswith("django_language=en")
    )
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= attributes
