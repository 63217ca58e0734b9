def test_home_for_case_worker(world, signed_in):
    m = world.a["case_worker"]
    client = signed_in(m.user, m)
    response = client.get("/")
    assert response.status_code == 200
    assert "Crisis Centre A" in response.content.decode()
