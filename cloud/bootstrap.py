#!/usr/bin/env python3
"""The all-in-one's API objects, created with openstacksdk from the cloud's own venv.

Run by cloud/cloud.ts (never by hand): `bootstrap.py identity|resources|health|inventory` with a JSON
request in $HVNF_BOOTSTRAP_REQUEST and a JSON answer on stdout; progress goes to stderr. Every step finds before it creates,
so a second `npm run cloud -- up` changes nothing it does not have to.

identity:  the catalog (glance, placement, nova, neutron), the service users, and the project
           whose user has only the member role.
resources: flavors, the debian-12 image, the external network `public` and its subnet, the
           project's quotas (before and after raising them), and an application credential of
           the project's user (recreated: its secret is shown only once).
"""
import json
import os
import struct
import sys
import time

import openstack


def log(msg):
    print(f"  bootstrap: {msg}", file=sys.stderr, flush=True)


def connect(req, user, password, project):
    return openstack.connect(
        auth_url=req["keystoneUrl"], username=user, password=password, project_name=project,
        user_domain_name="Default", project_domain_name="Default", region_name=req["region"],
        identity_api_version="3", interface="public")


def find_or_create(what, find, create):
    found = find()
    if found:
        return found
    log(f"create {what}")
    return create()


def identity(req):
    conn = connect(req, "admin", req["adminPassword"], "admin")
    idn = conn.identity
    for svc in req["services"]:
        s = find_or_create(
            f"service {svc['name']}", lambda: idn.find_service(svc["name"]),
            lambda: idn.create_service(name=svc["name"], type=svc["type"], is_enabled=True))
        have = {e.interface for e in idn.endpoints(service_id=s.id)}
        for interface in ("public", "internal"):
            if interface not in have:
                log(f"create {interface} endpoint of {svc['name']}")
                idn.create_endpoint(service_id=s.id, interface=interface, url=svc["url"],
                                    region_id=req["region"])
    roles = {r: find_or_create(f"role {r}", lambda r=r: idn.find_role(r),
                               lambda r=r: idn.create_role(name=r))
             for r in ("admin", "member", "service")}
    domain = idn.find_domain("default")
    service = find_or_create("project service", lambda: idn.find_project("service", domain_id=domain.id),
                             lambda: idn.create_project(name="service", domain_id=domain.id))
    for name in req["serviceUsers"]:
        u = find_or_create(f"user {name}", lambda n=name: idn.find_user(n, domain_id=domain.id),
                           lambda n=name: idn.create_user(name=n, password=req["servicePassword"],
                                                          domain_id=domain.id))
        # admin to act on other projects' ports; service for the port-binding policies.
        for r in ("admin", "service"):
            idn.assign_project_role_to_user(service, u, roles[r])
    t = req["tenant"]
    project = find_or_create(f"project {t['project']}",
                             lambda: idn.find_project(t["project"], domain_id=domain.id),
                             lambda: idn.create_project(name=t["project"], domain_id=domain.id))
    user = find_or_create(f"user {t['user']}", lambda: idn.find_user(t["user"], domain_id=domain.id),
                          lambda: idn.create_user(name=t["user"], password=req["tenantPassword"],
                                                  domain_id=domain.id, default_project_id=project.id))
    idn.assign_project_role_to_user(project, user, roles[t["role"]])
    names = {r.id: r.name for r in idn.roles()}
    got = sorted(names[a.role["id"]] for a in idn.role_assignments(user_id=user.id, scope_project_id=project.id))
    return {"projectId": project.id, "userId": user.id, "tenantRoles": got}


def boot_sector_image():
    """2 MiB raw disk: an MBR with one bootable Linux partition (sector 2048 to the end), zeros
    inside. It passes glance's format safety checks (an MBR without partitions does not), and
    nova's fake driver never reads it."""
    size = 2 * 1024 * 1024
    data = bytearray(size)
    lba_only = b"\xfe\xff\xff"  # CHS fields: "use the LBA values"
    data[446:462] = struct.pack("<B3sB3sII", 0x80, lba_only, 0x83, lba_only, 2048, size // 512 - 2048)
    data[510:512] = b"\x55\xaa"
    return bytes(data)


QUOTA_KEYS = {
    "compute": ("instances", "cores", "ram", "key_pairs"),
    "network": ("networks", "subnets", "ports", "routers", "floating_ips", "security_groups",
                "security_group_rules"),
}


def quota_view(conn, project_id):
    c = conn.compute.get_quota_set(project_id)
    n = conn.network.get_quota(project_id)
    return {"compute": {k: getattr(c, k) for k in QUOTA_KEYS["compute"]},
            "network": {k: getattr(n, k) for k in QUOTA_KEYS["network"]}}


def resources(req):
    conn = connect(req, "admin", req["adminPassword"], "admin")
    for f in req["flavors"]:
        find_or_create(f"flavor {f['name']}", lambda f=f: conn.compute.find_flavor(f["name"]),
                       lambda f=f: conn.compute.create_flavor(name=f["name"], vcpus=f["vcpus"],
                                                              ram=f["ramMb"], disk=f["diskGb"],
                                                              is_public=True))
    img = conn.image.find_image(req["image"])
    if img is None or img.status != "active":
        if img is not None:
            conn.image.delete_image(img)
        log(f"upload image {req['image']} (2 MiB raw: an MBR, one empty partition)")
        img = conn.image.create_image(name=req["image"], data=boot_sector_image(), disk_format="raw",
                                      container_format="bare", visibility="public",
                                      allow_duplicates=True)
    ext = req["external"]
    net = find_or_create(
        f"network {ext['network']}", lambda: conn.network.find_network(ext["network"]),
        lambda: conn.network.create_network(
            name=ext["network"], is_router_external=True, provider_network_type="flat",
            provider_physical_network=req["physnet"], is_shared=False))
    find_or_create(
        f"subnet {ext['subnet']}", lambda: conn.network.find_subnet(ext["subnet"]),
        lambda: conn.network.create_subnet(
            name=ext["subnet"], network_id=net.id, ip_version=4, cidr=ext["cidr"],
            gateway_ip=ext["gateway"], is_dhcp_enabled=False,
            allocation_pools=[{"start": ext["pool"]["start"], "end": ext["pool"]["end"]}]))

    project = conn.identity.find_project(req["tenant"]["project"])
    before = quota_view(conn, project.id)
    want = req["quotas"]
    raise_c = {k: v for k, v in want["compute"].items() if v > before["compute"][k]}
    raise_n = {k: v for k, v in want["network"].items() if v > before["network"][k]}
    if raise_c:
        conn.compute.update_quota_set(project.id, **raise_c)
    if raise_n:
        conn.network.update_quota(project.id, **raise_n)
    after = quota_view(conn, project.id)

    # The application credential, made by the member user itself (it holds only what the user holds).
    t = req["tenant"]
    user_conn = connect(req, t["user"], req["tenantPassword"], t["project"])
    uid = user_conn.current_user_id
    for old in user_conn.identity.application_credentials(user=uid):
        if old.name == t["appCredential"]:
            user_conn.identity.delete_application_credential(uid, old)
    cred = user_conn.identity.create_application_credential(
        uid, t["appCredential"], description="hybrid-vnf stacks on the all-in-one")
    return {"imageId": img.id, "externalNetworkId": net.id, "projectId": project.id,
            "quotasBefore": before, "quotasAfter": after,
            "appCredential": {"id": cred.id, "secret": cred.secret,
                              "roles": sorted(r["name"] for r in cred.roles)}}


def health(req):
    """nova-compute up on the compute host, and a live macvtap agent there (it is what binds ports)."""
    conn = connect(req, "admin", req["adminPassword"], "admin")
    host = req["computeHost"]
    services = [{"binary": s.binary, "host": s.host, "state": s.state, "status": s.status}
                for s in conn.compute.services()]
    agents = [{"type": a.agent_type, "host": a.host, "alive": a.is_alive} for a in conn.network.agents()]
    return {"services": services, "agents": agents,
            "computeUp": any(s["binary"] == "nova-compute" and s["host"] == host and s["state"] == "up"
                             for s in services),
            "agentAlive": any(a["host"] == host and a["alive"] and "macvtap" in a["type"].lower()
                              for a in agents)}


def inventory(req):
    """What the project holds, as the API reports it: the proof that a destroy left nothing."""
    import base64
    conn = connect(req, "admin", req["adminPassword"], "admin")
    project = conn.identity.find_project(req["tenant"]["project"])
    user = conn.identity.find_user(req["tenant"]["user"])
    pid = project.id
    # user_data is an extended attribute: admin only, microversion 2.3 or later.
    servers = []
    for s in conn.compute.servers(all_projects=True, project_id=pid, details=True):
        full = conn.compute.get(f"/servers/{s.id}", microversion="2.3").json()["server"]
        ud = full.get("OS-EXT-SRV-ATTR:user_data")
        servers.append({"name": s.name, "status": s.status,
                        "userData": base64.b64decode(ud).decode() if ud else None})
    keypairs = conn.compute.get(f"/os-keypairs?user_id={user.id}", microversion="2.10").json()["keypairs"]
    names = {r.id: r.name for r in conn.identity.roles()}
    return {
        "tenantRoles": sorted(names[a.role["id"]] for a in
                              conn.identity.role_assignments(user_id=user.id, scope_project_id=pid)),
        "servers": servers,
        "ports": [{"name": p.name, "owner": p.device_owner, "binding": p.binding_vif_type}
                  for p in conn.network.ports(project_id=pid)],
        "networks": [n.name for n in conn.network.networks(project_id=pid)],
        "routers": [r.name for r in conn.network.routers(project_id=pid)],
        "securityGroups": [g.name for g in conn.network.security_groups(project_id=pid)
                           if g.name != "default"],
        "floatingIps": [f.floating_ip_address for f in conn.network.ips(project_id=pid)],
        "keypairs": [k["keypair"]["name"] for k in keypairs],
    }


def main():
    step = sys.argv[1]
    req = json.loads(os.environ["HVNF_BOOTSTRAP_REQUEST"])
    start = time.time()
    out = {"identity": identity, "resources": resources, "health": health,
           "inventory": inventory}[step](req)
    log(f"{step} done in {time.time() - start:.1f} s")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
