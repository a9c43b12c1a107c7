// The all-in-one's facts: where it lives (a cache folder outside the clone), the loopback ports
// of every listener, and the names of what bootstrap creates. Every other cloud module reads
// these; nothing else spells a port or a path.
import * as os from "os";
import * as path from "path";

/** Every listener binds this address and nothing else. */
export const LOOPBACK = "127.0.0.1";

/** Ports away from the usual ones, so a developer's own MariaDB/RabbitMQ/OpenStack is left alone. */
export const PORTS = {
    mariadb: 13306,
    rabbitmq: 15673,
    epmd: 14369,
    erlangDist: 25673,
    keystone: 15000,
    glance: 19292,
    placement: 18778,
    nova: 18774,
    neutron: 19696,
} as const;

export const REGION = "RegionOne";
/** The host name nova-compute and the macvtap agent report: Neutron binds a port for it only with a live agent of that host. */
export const COMPUTE_HOST = "hvnf-aio";
/** The bridge the macvtap agent maps physnet1 to (a bridge, since this kernel has no dummy module). */
export const PHYS_BRIDGE = "hvnfcloud0";
export const PHYSNET = "physnet1";
/** Tenant networks are VLANs on physnet1 (macvtap does flat and VLAN only). */
export const VLAN_RANGE = { min: 100, max: 999 };

/** The external network, its subnet and floating IP pool: TEST-NET-3, behind an `unreachable` route. */
export const EXTERNAL = {
    network: "public",
    subnet: "public-subnet",
    cidr: "203.0.113.0/24",
    gateway: "203.0.113.1",
    pool: { start: "203.0.113.10", end: "203.0.113.250" },
} as const;

/** What the stacks run as: a member of one project, through an application credential. */
export const TENANT = {
    project: "hybrid-vnf",
    user: "hybrid-vnf-ci",
    role: "member",
    appCredential: "hybrid-vnf-stacks",
    cloudName: "hybrid-vnf-cloud",
    adminCloudName: "hybrid-vnf-cloud-admin",
} as const;

export const FLAVORS = [
    { name: "m1.small", vcpus: 1, ramMb: 2048, diskGb: 20 },
    { name: "m1.medium", vcpus: 2, ramMb: 4096, diskGb: 40 },
] as const;

export const IMAGE_NAME = "debian-12";

/** The databases, one per service schema (nova has three). */
export const DATABASES = ["keystone", "glance", "placement", "nova_api", "nova", "nova_cell0", "neutron"] as const;

export function cloudCache(env: NodeJS.ProcessEnv = process.env): string {
    return (
        env.HYBRID_VNF_CLOUD_CACHE ??
        path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "hybrid-vnf", "cloud")
    );
}

/** The cloud's folders: `state` is what `down` removes; venvs and the database dump outlive it. */
export function cloudPaths(cache = cloudCache()) {
    const state = path.join(cache, "state");
    return {
        cache,
        state,
        etc: path.join(state, "etc"),
        logs: path.join(state, "logs"),
        run: path.join(state, "run"),
        mysqlData: path.join(state, "mysql"),
        mysqlSocket: path.join(state, "run", "mysql.sock"),
        rabbit: path.join(state, "rabbitmq"),
        glanceImages: path.join(state, "glance-images"),
        secrets: path.join(state, "secrets.json"),
        cloudsYaml: path.join(state, "clouds.yaml"),
        /** Databases right after the migrations, keyed by the lock file: a warm `up` loads it instead of migrating. */
        dumpDir: path.join(cache, "db-dumps"),
    };
}
export type CloudPaths = ReturnType<typeof cloudPaths>;
