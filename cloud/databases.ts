// The services' databases: created in MariaDB, then either migrated (cold: every service's own
// db sync) or loaded from the dump taken right after an earlier run's migrations (warm). The dump
// is keyed by the lock file, the secrets and the migration steps, so a change to any makes a new one.
import * as fs from "fs";
import * as path from "path";
import { run } from "../lab/sh";
import { CloudPaths, DATABASES, LOOPBACK } from "./layout";
import { CloudSecrets, dbUrl } from "./service-config";
import { Log, Step, manage } from "./steps";

/** SQL that makes the databases and the one user the services connect as (loopback only). */
export function databaseSql(s: CloudSecrets): string {
    const pw = s.dbPassword.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
    return [
        ...DATABASES.map((db) => `CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4;`),
        `CREATE USER IF NOT EXISTS 'hvnf'@'${LOOPBACK}' IDENTIFIED BY '${pw}';`,
        ...DATABASES.map((db) => `GRANT ALL PRIVILEGES ON \`${db}\`.* TO 'hvnf'@'${LOOPBACK}';`),
        "FLUSH PRIVILEGES;",
    ].join("\n");
}

async function sql(p: CloudPaths, text: string, db?: string): Promise<string> {
    const args = ["mariadb", `--socket=${p.mysqlSocket}`, "-u", "root", "-N", "-e", text];
    if (db) args.push(db);
    return (await run(args, { timeoutMs: 300_000 })).stdout;
}

/** Every service's schema migration, in an order nova's cells need (cell0 mapped before db sync). */
export async function migrate(p: CloudPaths, s: CloudSecrets, venv: string, step: Step): Promise<void> {
    const c = (svc: string, file: string) => ["--config-file", path.join(p.etc, svc, file)];
    const nova = c("nova", "nova.conf");
    await Promise.all([
        step("keystone db_sync", () => manage(venv, ["keystone-manage", ...c("keystone", "keystone.conf"), "db_sync"])),
        step("glance db_sync", () => manage(venv, ["glance-manage", ...c("glance", "glance-api.conf"), "db_sync"])),
        step("placement db sync", () =>
            manage(venv, ["placement-manage", ...c("placement", "placement.conf"), "db", "sync"]),
        ),
        step("neutron upgrade heads", () =>
            manage(venv, [
                "neutron-db-manage",
                ...c("neutron", "neutron.conf"),
                ...c("neutron", "ml2_conf.ini"),
                "upgrade",
                "heads",
            ]),
        ),
        step("nova api_db sync, cells, db sync", async () => {
            await manage(venv, ["nova-manage", ...nova, "api_db", "sync"]);
            await manage(venv, [
                "nova-manage",
                ...nova,
                "cell_v2",
                "map_cell0",
                "--database_connection",
                dbUrl(s, "nova_cell0"),
            ]);
            const cells = (await manage(venv, ["nova-manage", ...nova, "cell_v2", "list_cells"])).stdout;
            if (!/\bcell1\b/.test(cells))
                await manage(venv, ["nova-manage", ...nova, "cell_v2", "create_cell", "--name", "cell1"]);
            await manage(venv, ["nova-manage", ...nova, "db", "sync"]);
        }),
    ]);
}

/** True when the service databases hold no tables yet (a fresh data folder). */
async function databasesEmpty(p: CloudPaths): Promise<boolean> {
    const n = await sql(
        p,
        `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN (${DATABASES.map((d) => `'${d}'`).join(",")});`,
    );
    return Number(n.trim()) === 0;
}

export async function restoreOrMigrate(
    p: CloudPaths,
    s: CloudSecrets,
    venv: string,
    key: string,
    step: Step,
    log: Log,
): Promise<void> {
    await step("databases and their user", () => sql(p, databaseSql(s)));
    if (!(await databasesEmpty(p))) {
        log("databases already hold tables: migrations were done by an earlier up");
        return;
    }
    const dump = path.join(p.dumpDir, `after-migrations-${key}.sql`);
    if (fs.existsSync(dump)) {
        await step(`load the dump taken after the migrations (${path.basename(dump)})`, () =>
            run(["bash", "-c", `mariadb --socket='${p.mysqlSocket}' -u root < '${dump}'`], { timeoutMs: 600_000 }),
        );
        return;
    }
    await step("migrations (every service's own db sync)", () => migrate(p, s, venv, step));
    await step("dump the migrated databases for the next up", async () => {
        fs.mkdirSync(p.dumpDir, { recursive: true });
        const tmp = `${dump}.tmp`;
        await run(
            [
                "bash",
                "-c",
                `mariadb-dump --socket='${p.mysqlSocket}' -u root --single-transaction --databases ${DATABASES.join(" ")} > '${tmp}'`,
            ],
            { timeoutMs: 600_000 },
        );
        fs.renameSync(tmp, dump);
    });
}
