// sshPublicKey and sshPrivateKey are read the way OpenSSH, Nova and the command provider read
// them. Keys are made here with node's crypto (no fixture keys but the plans' placeholder pair).
import * as assert from "assert";
import { generateKeyPairSync, KeyObject } from "crypto";
import { PLACEHOLDER_SSH_PUBLIC_KEY, SECRET_PLACEHOLDERS } from "../../harness/stack-files";
import { parseSshPublicKeyLine, sshPrivateKeyProblem, sshPublicKeyProblem } from "../../lib/ssh-key";

const wireString = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
};
const text = (s: string) => wireString(Buffer.from(s, "latin1"));
/** An mpint: a leading zero byte when the top bit is set. */
const mpint = (b64url: string) => {
    const b = Buffer.from(b64url, "base64url");
    return wireString(b[0] & 0x80 ? Buffer.concat([Buffer.alloc(1), b]) : b);
};

/** The OpenSSH public key line of a node key (what ssh-keygen would write to the .pub file). */
function sshLine(key: KeyObject, comment = "test@example"): string {
    const jwk = key.export({ format: "jwk" });
    let type: string;
    let blob: Buffer;
    if (jwk.kty === "OKP") {
        type = "ssh-ed25519";
        blob = Buffer.concat([text(type), wireString(Buffer.from(jwk.x!, "base64url"))]);
    } else if (jwk.kty === "RSA") {
        type = "ssh-rsa";
        blob = Buffer.concat([text(type), mpint(jwk.e!), mpint(jwk.n!)]);
    } else {
        const curve = { "P-256": "nistp256", "P-384": "nistp384", "P-521": "nistp521" }[jwk.crv!]!;
        type = `ecdsa-sha2-${curve}`;
        const q = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
        blob = Buffer.concat([text(type), text(curve), wireString(q)]);
    }
    return `${type} ${blob.toString("base64")} ${comment}`;
}

const ed = generateKeyPairSync("ed25519");
const rsa2048 = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 });
const ec384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
const PLACEHOLDER = `${PLACEHOLDER_SSH_PUBLIC_KEY} me@example`;
const OPENSSH_PRIVATE = SECRET_PLACEHOLDERS.sshPrivateKey;

/** The placeholder's OpenSSH private key with its decoded body changed by `edit`. */
function editedOpenSshKey(edit: (body: Buffer) => Buffer): string {
    const lines = OPENSSH_PRIVATE.trim().split("\n");
    const body = edit(Buffer.from(lines.slice(1, -1).join(""), "base64"));
    return `${lines[0]}\n${body.toString("base64").replace(/(.{70})/g, "$1\n")}\n${lines[lines.length - 1]}\n`;
}

describe("sshPublicKey: what OpenSSH 9, Nova and cloud-init accept", () => {
    it("accepts Ed25519, ECDSA and RSA of 2048 bits and more, with or without a comment", () => {
        for (const line of [
            sshLine(ed.publicKey),
            sshLine(ec384.publicKey),
            sshLine(rsa2048.publicKey),
            sshLine(ed.publicKey, ""),
            PLACEHOLDER,
        ]) {
            assert.strictEqual(sshPublicKeyProblem(line.trim()), undefined, line);
        }
    });
    it("its fingerprint is OpenSSH's (ssh-keygen -lf of the plans' placeholder)", () => {
        const parsed = parseSshPublicKeyLine(PLACEHOLDER);
        assert.ok("key" in parsed);
        assert.strictEqual(parsed.key.fingerprint, "SHA256:casCPmarUYFEUgmSdVIQVeQA7gNdfRpOIdm3lK6ex2g");
    });
    const body = (line: string) => line.split(" ")[1];
    const cases: [string, string, RegExp][] = [
        ["RSA under 2048 bits", sshLine(rsa1024.publicKey), /1024-bit RSA key; use at least 2048/],
        ["DSA (disabled since OpenSSH 7.0)", "ssh-dss AAAAB3NzaC1kc3MAAACBAP me", /DSA key; OpenSSH disabled DSA/],
        [
            "a FIDO key: no token to touch in an unattended run",
            "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t me",
            /security-key/,
        ],
        ["a certificate", "ssh-ed25519-cert-v01@openssh.com AAAA me", /certificate/],
        ["an unknown type", "ssh-foo AAAA me", /key type "ssh-foo"/],
        [
            "the old placeholder: a body that is not base64",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPLACEHOLDERPLACEHOLDERPLACEHOLDER00000 me",
            /not valid base64/,
        ],
        [
            "a body of another type than its prefix",
            `ssh-ed25519 ${body(sshLine(rsa2048.publicKey))} me`,
            /says ssh-ed25519 but its base64 holds a "ssh-rsa" key/,
        ],
        [
            "an ECDSA body under the wrong curve's prefix",
            `ecdsa-sha2-nistp256 ${body(sshLine(ec384.publicKey))} me`,
            /holds a "ecdsa-sha2-nistp384" key/,
        ],
        [
            "a truncated body",
            `ssh-ed25519 ${Buffer.from(body(PLACEHOLDER), "base64").subarray(0, 40).toString("base64")} me`,
            /not a whole SSH key/,
        ],
        [
            "an Ed25519 key of the wrong length",
            `ssh-ed25519 ${Buffer.concat([text("ssh-ed25519"), wireString(Buffer.alloc(31, 1))]).toString("base64")}`,
            /31 bytes/,
        ],
        [
            "trailing bytes",
            `ssh-ed25519 ${Buffer.concat([Buffer.from(body(PLACEHOLDER), "base64"), Buffer.alloc(3)]).toString("base64")}`,
            /trailing bytes/,
        ],
        ["two keys on two lines", `${PLACEHOLDER}\n${sshLine(ed.publicKey)}`, /more than one line/],
        ["two keys on one line", `${PLACEHOLDER} ${sshLine(ed.publicKey)}`, /more than one key/],
        ["authorized_keys options", `command="/bin/true" ${PLACEHOLDER}`, /without authorized_keys options/],
        ["RFC 4716 format", "---- BEGIN SSH2 PUBLIC KEY ----", /RFC 4716/],
        ["a control character in the comment", `${PLACEHOLDER_SSH_PUBLIC_KEY} me\tyou`, /control character/],
        ["no body", "ssh-ed25519", /not an OpenSSH public key/],
    ];
    for (const [what, line, reason] of cases) {
        it(`refuses ${what}`, () => assert.match(sshPublicKeyProblem(line) ?? "(accepted)", reason));
    }
});

describe("sshPrivateKey: the private half of sshPublicKey, usable unattended", () => {
    const pem = (k: KeyObject, type: "pkcs1" | "pkcs8" | "sec1") => k.export({ format: "pem", type }) as string;
    it("accepts the OpenSSH format and PEM (PKCS#1, SEC 1, PKCS#8) when it matches", () => {
        assert.strictEqual(sshPrivateKeyProblem(OPENSSH_PRIVATE, PLACEHOLDER), undefined);
        assert.strictEqual(
            sshPrivateKeyProblem(pem(rsa2048.privateKey, "pkcs1"), sshLine(rsa2048.publicKey)),
            undefined,
        );
        assert.strictEqual(sshPrivateKeyProblem(pem(ec384.privateKey, "sec1"), sshLine(ec384.publicKey)), undefined);
        assert.strictEqual(sshPrivateKeyProblem(pem(ed.privateKey, "pkcs8"), sshLine(ed.publicKey)), undefined);
    });
    const other = generateKeyPairSync("ed25519");
    const cases: [string, () => string, string, RegExp][] = [
        [
            "another key's OpenSSH private half",
            () => OPENSSH_PRIVATE,
            sshLine(other.publicKey),
            /does not match hybrid-vnf:sshPublicKey \(SHA256:/,
        ],
        [
            "another key's PEM private half",
            () => pem(other.privateKey, "pkcs8"),
            PLACEHOLDER,
            /does not match hybrid-vnf:sshPublicKey \(SHA256:casCP/,
        ],
        [
            "a PKCS#8 key with a passphrase",
            () =>
                ed.privateKey.export({
                    format: "pem",
                    type: "pkcs8",
                    cipher: "aes-256-cbc",
                    passphrase: "pw",
                }) as string,
            sshLine(ed.publicKey),
            /passphrase/,
        ],
        [
            "a PKCS#1 key with a passphrase",
            () =>
                rsa2048.privateKey.export({
                    format: "pem",
                    type: "pkcs1",
                    cipher: "aes-256-cbc",
                    passphrase: "pw",
                }) as string,
            sshLine(rsa2048.publicKey),
            /passphrase/,
        ],
        [
            "an OpenSSH key with a passphrase",
            () =>
                editedOpenSshKey((b) =>
                    Buffer.from(b.toString("latin1").replace("\0\0\0\x04none", "\0\0\0\x04aes!"), "latin1"),
                ),
            PLACEHOLDER,
            /passphrase/,
        ],
        [
            "an OpenSSH key whose check numbers differ (corrupt)",
            () =>
                editedOpenSshKey((b) =>
                    Buffer.from(b.toString("latin1").replace("3\x04T{3\x04T{", "3\x04T{3\x04T|"), "latin1"),
                ),
            PLACEHOLDER,
            /corrupt/,
        ],
        [
            "the old placeholder (armour around no key)",
            () => "-----BEGIN OPENSSH PRIVATE KEY-----\nPLACEHOLDER-NOT-A-KEY\n-----END OPENSSH PRIVATE KEY-----\n",
            PLACEHOLDER,
            /body does not decode/,
        ],
        [
            "a truncated PEM key",
            () => pem(ed.privateKey, "pkcs8").replace(/\n[A-Za-z0-9+/=]+\n-----END/, "\n-----END"),
            sshLine(ed.publicKey),
            /not a valid PEM/,
        ],
        ["the public key given by mistake", () => PLACEHOLDER, PLACEHOLDER, /is a public key/],
        ["a PuTTY key", () => "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", PLACEHOLDER, /PuTTY/],
        ["two keys", () => OPENSSH_PRIVATE + OPENSSH_PRIVATE, PLACEHOLDER, /more than one PEM block/],
        [
            "a certificate",
            () => "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            PLACEHOLDER,
            /"CERTIFICATE" block/,
        ],
        [
            "a DSA key",
            () => "-----BEGIN DSA PRIVATE KEY-----\nMIIB\n-----END DSA PRIVATE KEY-----\n",
            PLACEHOLDER,
            /DSA/,
        ],
        ["text around the key", () => `my key:\n${OPENSSH_PRIVATE}`, PLACEHOLDER, /nothing around it/],
    ];
    it("without a public key to match, still refuses what cannot log in: a small RSA key, another curve, X25519", () => {
        assert.strictEqual(sshPrivateKeyProblem(OPENSSH_PRIVATE), undefined);
        assert.strictEqual(sshPrivateKeyProblem(pem(rsa2048.privateKey, "pkcs1")), undefined);
        assert.match(sshPrivateKeyProblem(pem(rsa1024.privateKey, "pkcs1")) ?? "", /1024-bit RSA key/);
        assert.match(
            sshPrivateKeyProblem(pem(generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey, "pkcs8")) ?? "",
            /EC key on secp256k1/,
        );
        assert.match(
            sshPrivateKeyProblem(pem(generateKeyPairSync("x25519").privateKey, "pkcs8")) ?? "",
            /is a x25519 key/,
        );
    });
    for (const [what, value, publicKey, reason] of cases) {
        it(`refuses ${what}, without quoting it`, () => {
            const v = value();
            const problem = sshPrivateKeyProblem(v, publicKey) ?? "(accepted)";
            assert.match(problem, reason);
            const secretLine = v.split("\n").find((l) => l.length > 20 && !l.startsWith("-----"));
            if (secretLine) assert.ok(!problem.includes(secretLine), "the reason quotes the key");
        });
    }
});
