// The daemons of the all-in-one, in start order: how each is run (argv, environment, config
// folder) and what "ready" means for it. Pure: the paths and the venv go in, specs come out.
import * as path from "path";
import { CloudPaths, LOOPBACK, PORTS } from "./layout";

export interface DaemonSpec {
    name: string;
    argv: string[];
    /** Extra environment (the WSGI apps find their config folder through it). */
    env: Record<string, string>;
    /** A TCP port on 127.0.0.1 that answers once the daemon is up; none for RPC-only daemons. */
    port?: number;
    /** The first stage starts alone (the database, the broker, keystone); the rest together. */
    stage: "base" | "identity" | "services";
}

export interface WsgiApi {
    name: string;
    module: string;
    port: number;
    /** Environment variable → the folder (or files) of its config. */
    configEnv: (etc: string) => Record<string, string>;
}

export const WSGI_APIS: readonly WsgiApi[] = [
    {
        name: "keystone",
        module: "keystone.wsgi.api:application",
        port: PORTS.keystone,
        configEnv: (etc) => ({ OS_KEYSTONE_CONFIG_DIR: path.join(etc, "keystone") }),
    },
    {
        name: "glance-api",
        module: "glance.wsgi.api:application",
        port: PORTS.glance,
        configEnv: (etc) => ({ OS_GLANCE_CONFIG_DIR: path.join(etc, "glance") }),
    },
    {
        name: "placement-api",
        module: "placement.wsgi.api:application",
        port: PORTS.placement,
        configEnv: (etc) => ({ OS_PLACEMENT_CONFIG_DIR: path.join(etc, "placement") }),
    },
    {
        name: "nova-api",
        module: "nova.wsgi.osapi_compute:application",
        port: PORTS.nova,
        configEnv: (etc) => ({ OS_NOVA_CONFIG_DIR: path.join(etc, "nova") }),
    },
    {
        name: "neutron-api",
        module: "neutron.wsgi.api:application",
        port: PORTS.neutron,
        configEnv: (etc) => ({
            OS_NEUTRON_CONFIG_DIR: path.join(etc, "neutron"),
            OS_NEUTRON_CONFIG_FILES: "neutron.conf;ml2_conf.ini",
        }),
    },
];

/** Where a gunicorn config file of an API lives. */
export const gunicornConfPath = (p: CloudPaths, api: WsgiApi) => path.join(p.etc, "gunicorn", `${api.name}.conf.py`);

export function daemonSpecs(p: CloudPaths, venv: string): DaemonSpec[] {
    const bin = (name: string) => path.join(venv, "bin", name);
    const conf = (...files: string[]) => files.flatMap((f) => ["--config-file", path.join(p.etc, f)]);
    const rabbitEnv = rabbitmqEnv(p);
    const api = (a: WsgiApi, stage: DaemonSpec["stage"]): DaemonSpec => ({
        name: a.name,
        argv: [bin("gunicorn"), "-c", gunicornConfPath(p, a)],
        env: a.configEnv(p.etc),
        port: a.port,
        stage,
    });
    const [keystone, ...apis] = WSGI_APIS;
    return [
        {
            name: "mariadb",
            argv: [
                "mariadbd",
                "--no-defaults",
                "--user=root",
                `--datadir=${p.mysqlData}`,
                `--socket=${p.mysqlSocket}`,
                `--port=${PORTS.mariadb}`,
                `--bind-address=${LOOPBACK}`,
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=256M",
                "--innodb-flush-log-at-trx-commit=0",
                "--max-connections=1000",
                "--character-set-server=utf8mb4",
            ],
            env: {},
            port: PORTS.mariadb,
            stage: "base",
        },
        // Erlang's port mapper, started by us (not by the first `erl`) so it binds loopback and has a pid of ours.
        {
            name: "epmd",
            argv: ["epmd", "-address", LOOPBACK, "-port", String(PORTS.epmd)],
            env: rabbitEnv,
            port: PORTS.epmd,
            stage: "base",
        },
        {
            name: "rabbitmq",
            argv: ["/usr/lib/rabbitmq/bin/rabbitmq-server"],
            env: rabbitEnv,
            port: PORTS.rabbitmq,
            stage: "base",
        },
        api(keystone, "identity"),
        ...apis.map((a) => api(a, "services")),
        {
            name: "neutron-rpc-server",
            argv: [bin("neutron-rpc-server"), ...conf("neutron/neutron.conf", "neutron/ml2_conf.ini")],
            env: {},
            stage: "services",
        },
        {
            name: "nova-conductor",
            argv: [bin("nova-conductor"), ...conf("nova/nova.conf")],
            env: {},
            stage: "services",
        },
        {
            name: "nova-scheduler",
            argv: [bin("nova-scheduler"), ...conf("nova/nova.conf")],
            env: {},
            stage: "services",
        },
        { name: "nova-compute", argv: [bin("nova-compute"), ...conf("nova/nova.conf")], env: {}, stage: "services" },
        // The agent through cloud/macvtap-agent.py: the same main(), launched without a fork (see there why).
        {
            name: "neutron-macvtap-agent",
            argv: [
                bin("python"),
                path.join(__dirname, "macvtap-agent.py"),
                ...conf("neutron/neutron.conf", "neutron/macvtap_agent.ini"),
            ],
            env: {},
            stage: "services",
        },
    ];
}

/** RabbitMQ and its tools: every listener on loopback (AMQP, epmd, Erlang distribution), all state under the cloud's folder. */
export function rabbitmqEnv(p: CloudPaths): Record<string, string> {
    const loopbackOnly = "-kernel inet_dist_use_interface {127,0,0,1}";
    return {
        HOME: path.join(p.rabbit, "home"),
        ERL_EPMD_ADDRESS: LOOPBACK,
        ERL_EPMD_PORT: String(PORTS.epmd),
        RABBITMQ_NODENAME: "hvnf@localhost",
        RABBITMQ_NODE_IP_ADDRESS: LOOPBACK,
        RABBITMQ_NODE_PORT: String(PORTS.rabbitmq),
        RABBITMQ_DIST_PORT: String(PORTS.erlangDist),
        RABBITMQ_MNESIA_BASE: path.join(p.rabbit, "mnesia"),
        RABBITMQ_LOG_BASE: path.join(p.rabbit, "log"),
        RABBITMQ_CONFIG_FILE: path.join(p.rabbit, "rabbitmq.conf"),
        RABBITMQ_ADVANCED_CONFIG_FILE: path.join(p.rabbit, "advanced.config"),
        RABBITMQ_CONF_ENV_FILE: path.join(p.rabbit, "rabbitmq-env.conf"),
        RABBITMQ_ENABLED_PLUGINS_FILE: path.join(p.rabbit, "enabled_plugins"),
        RABBITMQ_PID_FILE: path.join(p.rabbit, "rabbitmq.pid"),
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: loopbackOnly,
        RABBITMQ_CTL_ERL_ARGS: loopbackOnly,
    };
}

export function rabbitmqConf(): string {
    // guest may log in from loopback only, which is the only place the broker listens.
    return [`listeners.tcp.default = ${LOOPBACK}:${PORTS.rabbitmq}`, ""].join("\n");
}
