// What each OpenStack service is told: pure renderers of its oslo.config files and its gunicorn
// config, from the layout and the cloud's secrets. Option names are the 2026.2 services' own
// (checked against keystone 30, glance 33, placement 16, nova 34 and neutron 29 as installed).
import * as path from "path";
import { Ini, renderIni } from "./ini";
import { COMPUTE_HOST, CloudPaths, LOOPBACK, PHYSNET, PHYS_BRIDGE, PORTS, REGION, VLAN_RANGE } from "./layout";

export interface CloudSecrets {
    /** MariaDB password of the `hvnf` user every service connects as. */
    dbPassword: string;
    /** keystone's bootstrap admin. */
    adminPassword: string;
    /** The service users' password (nova, neutron, glance, placement). */
    servicePassword: string;
    /** The project member the stacks run as. */
    tenantPassword: string;
}

export const SERVICE_USERS = ["glance", "placement", "nova", "neutron"] as const;
export type ServiceUser = (typeof SERVICE_USERS)[number];

export const url = (port: number, suffix = "") => `http://${LOOPBACK}:${port}${suffix}`;
export const KEYSTONE_URL = url(PORTS.keystone, "/v3");

export function dbUrl(s: CloudSecrets, db: string): string {
    return `mysql+pymysql://hvnf:${encodeURIComponent(s.dbPassword)}@${LOOPBACK}:${PORTS.mariadb}/${db}?charset=utf8mb4`;
}

export function transportUrl(): string {
    // guest is RabbitMQ's loopback-only default user; the broker listens on loopback alone.
    return `rabbit://guest:guest@${LOOPBACK}:${PORTS.rabbitmq}/`;
}

/** A service user's password auth against keystone, as [keystone_authtoken], [placement], [neutron] … take it. */
function serviceAuth(s: CloudSecrets, user: ServiceUser) {
    return {
        auth_type: "password",
        auth_url: url(PORTS.keystone),
        username: user,
        password: s.servicePassword,
        project_name: "service",
        user_domain_name: "Default",
        project_domain_name: "Default",
        region_name: REGION,
    };
}

function authtoken(s: CloudSecrets, user: ServiceUser) {
    return { www_authenticate_uri: url(PORTS.keystone), service_token_roles_required: true, ...serviceAuth(s, user) };
}

const common = (p: CloudPaths, name: string) => ({ debug: false, state_path: path.join(p.state, name) });

export function keystoneConf(p: CloudPaths, s: CloudSecrets): Ini {
    const keys = (what: string) => ({ key_repository: path.join(p.state, "keystone", what) });
    return {
        DEFAULT: { debug: false },
        database: { connection: dbUrl(s, "keystone") },
        token: { provider: "fernet" },
        fernet_tokens: keys("fernet-keys"),
        fernet_receipts: keys("fernet-keys"),
        credential: keys("credential-keys"),
    };
}

export function glanceConf(p: CloudPaths, s: CloudSecrets): Ini {
    const store = (dir: string) => ({ filesystem_store_datadir: dir });
    return {
        DEFAULT: { debug: false, enabled_backends: "file:file" },
        database: { connection: dbUrl(s, "glance") },
        keystone_authtoken: authtoken(s, "glance"),
        paste_deploy: { flavor: "keystone" },
        glance_store: { default_backend: "file" },
        file: store(p.glanceImages),
        os_glance_staging_store: store(path.join(p.state, "glance-staging")),
        os_glance_tasks_store: store(path.join(p.state, "glance-tasks")),
        oslo_concurrency: { lock_path: path.join(p.state, "locks") },
    };
}

export function placementConf(_p: CloudPaths, s: CloudSecrets): Ini {
    return {
        DEFAULT: { debug: false },
        placement_database: { connection: dbUrl(s, "placement") },
        api: { auth_strategy: "keystone" },
        keystone_authtoken: authtoken(s, "placement"),
    };
}

export function novaConf(p: CloudPaths, s: CloudSecrets): Ini {
    return {
        DEFAULT: {
            ...common(p, "nova"),
            host: COMPUTE_HOST,
            my_ip: LOOPBACK,
            transport_url: transportUrl(),
            // The floor the issue names: servers reach ACTIVE with their ports and user-data, no guest runs.
            compute_driver: "fake.FakeDriver",
            instances_path: path.join(p.state, "nova", "instances"),
        },
        api: { auth_strategy: "keystone" },
        api_database: { connection: dbUrl(s, "nova_api") },
        database: { connection: dbUrl(s, "nova") },
        keystone_authtoken: authtoken(s, "nova"),
        service_user: { send_service_user_token: true, ...serviceAuth(s, "nova") },
        placement: serviceAuth(s, "nova"),
        neutron: serviceAuth(s, "nova"),
        glance: { region_name: REGION },
        conductor: { workers: 1 },
        scheduler: { workers: 1, discover_hosts_in_cells_interval: -1 },
        vnc: { enabled: false },
        oslo_concurrency: { lock_path: path.join(p.state, "locks") },
        oslo_messaging_notifications: { driver: "noop" },
    };
}

/** neutron.privileged's contexts, each configured in its own section (neutron 29). */
export const PRIVSEP_SECTIONS = [
    "privsep",
    "privsep_link",
    "privsep_namespace",
    "privsep_conntrack",
    "privsep_dhcp_release",
    "privsep_ovs_vsctl",
] as const;

export function neutronConf(p: CloudPaths, s: CloudSecrets, venv: string): Ini {
    return {
        DEFAULT: {
            ...common(p, "neutron"),
            host: COMPUTE_HOST,
            core_plugin: "ml2",
            service_plugins: "router",
            auth_strategy: "keystone",
            transport_url: transportUrl(),
            api_paste_config: path.join(venv, "etc", "neutron", "api-paste.ini"),
            // No DHCP agent and no nova notifications: nothing here would consume them.
            dhcp_agent_notification: false,
            notify_nova_on_port_status_changes: false,
            notify_nova_on_port_data_changes: false,
            api_workers: 1,
            rpc_workers: 1,
            rpc_state_report_workers: 1,
        },
        database: { connection: dbUrl(s, "neutron") },
        keystone_authtoken: authtoken(s, "neutron"),
        nova: serviceAuth(s, "neutron"),
        oslo_concurrency: { lock_path: path.join(p.state, "locks") },
        // No sudo here and every process runs as root: commands run through `env`, and each of
        // neutron's privsep contexts (one config section each) starts its helper directly.
        agent: { root_helper: "env" },
        ...Object.fromEntries(
            PRIVSEP_SECTIONS.map((section) => [section, { helper_command: path.join(venv, "bin", "privsep-helper") }]),
        ),
        oslo_messaging_notifications: { driver: "noop" },
    };
}

export function ml2Conf(): Ini {
    return {
        ml2: {
            type_drivers: ["flat", "vlan"],
            tenant_network_types: ["vlan"],
            mechanism_drivers: ["macvtap"],
            extension_drivers: ["port_security"],
        },
        ml2_type_flat: { flat_networks: [PHYSNET] },
        ml2_type_vlan: { network_vlan_ranges: [`${PHYSNET}:${VLAN_RANGE.min}:${VLAN_RANGE.max}`] },
        securitygroup: { enable_security_group: true },
    };
}

export function macvtapAgentConf(): Ini {
    return {
        macvtap: { physical_interface_mappings: [`${PHYSNET}:${PHYS_BRIDGE}`] },
        // noop: there is no guest traffic to filter on the fake driver; the API still enforces the groups' rules.
        securitygroup: { firewall_driver: "noop", enable_security_group: true },
        agent: { polling_interval: 2 },
    };
}

/**
 * gunicorn's config as a Python file: the services parse sys.argv with oslo.config, so the
 * command line must hold nothing of gunicorn's (keystone and neutron fail on it otherwise).
 */
export function gunicornConf(o: { wsgiApp: string; port: number }): string {
    return [
        "import sys",
        "sys.argv = sys.argv[:1]",
        `wsgi_app = ${JSON.stringify(o.wsgiApp)}`,
        `bind = [${JSON.stringify(`${LOOPBACK}:${o.port}`)}]`,
        "workers = 1",
        'worker_class = "gthread"',
        "threads = 4",
        "timeout = 300",
        'errorlog = "-"',
        'loglevel = "warning"',
        "",
    ].join("\n");
}

/** Every file written under etc/ (path relative to it → text). The paste files are copied from the venv. */
export function renderAllConfigs(p: CloudPaths, s: CloudSecrets, venv: string): Record<string, string> {
    return {
        "keystone/keystone.conf": renderIni(keystoneConf(p, s)),
        "glance/glance-api.conf": renderIni(glanceConf(p, s)),
        "placement/placement.conf": renderIni(placementConf(p, s)),
        "nova/nova.conf": renderIni(novaConf(p, s)),
        "neutron/neutron.conf": renderIni(neutronConf(p, s, venv)),
        "neutron/ml2_conf.ini": renderIni(ml2Conf()),
        "neutron/macvtap_agent.ini": renderIni(macvtapAgentConf()),
    };
}
