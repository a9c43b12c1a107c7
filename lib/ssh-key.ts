// The SSH key pair the OpenStack stacks use: sshPublicKey goes to Nova (a keypair) and cloud-init
// (authorized_keys); sshPrivateKey (secret) is what the remote Commands log in with, unattended.
// Both are parsed here, once, the way OpenSSH reads them (RFC 4253 wire format, PROTOCOL.key),
// so that a key Nova, sshd or the command provider would refuse fails before any resource
// registers. The *Problem functions return a reason ("is ...") or undefined; a private key's
// reasons never quote it.
import { createHash, createPrivateKey, createPublicKey, JsonWebKey, KeyObject } from "crypto";

/** OpenSSH's RequiredRSASize default is 1024 (9.1+); we also follow NIST SP 800-57, which retired RSA under 2048 bits. */
export const RSA_MIN_BITS = 2048;

const ECDSA_CURVES: Record<string, { crv: string; pointBytes: number }> = {
    nistp256: { crv: "P-256", pointBytes: 65 },
    nistp384: { crv: "P-384", pointBytes: 97 },
    nistp521: { crv: "P-521", pointBytes: 133 },
};

/** Key types OpenSSH 9 (Debian 12), Nova's keypair import and the command provider all accept. */
export const SSH_KEY_TYPES = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-rsa",
] as const;

export interface SshPublicKey {
    type: string;
    /** The key in SSH wire format: what the base64 field decodes to. */
    blob: Buffer;
    /** OpenSSH's fingerprint, SHA256:... */
    fingerprint: string;
    /** The same key as a public JWK, to compare with a private key's public half. */
    jwk: JsonWebKey;
}

/** Reads RFC 4251 strings and integers off a buffer; throws on a short or malformed buffer. */
class WireReader {
    private at = 0;
    constructor(private readonly buf: Buffer) {}
    uint32(): number {
        if (this.at + 4 > this.buf.length) throw new Error("truncated");
        const v = this.buf.readUInt32BE(this.at);
        this.at += 4;
        return v;
    }
    bytes(): Buffer {
        const n = this.uint32();
        if (this.at + n > this.buf.length) throw new Error("truncated");
        const v = this.buf.subarray(this.at, this.at + n);
        this.at += n;
        return v;
    }
    text(): string {
        return this.bytes().toString("latin1");
    }
    get done(): boolean {
        return this.at === this.buf.length;
    }
}

const b64url = (b: Buffer) => b.toString("base64url");
/** An mpint without its sign byte, as JWK wants it. */
const unsigned = (b: Buffer) => (b.length > 1 && b[0] === 0 ? b.subarray(1) : b);

/** Strict base64 (what ssh-keygen writes): decodes and re-encodes to the same text. */
function decodeBase64(text: string): Buffer | undefined {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
    const buf = Buffer.from(text, "base64");
    return buf.toString("base64") === text ? buf : undefined;
}

function refusedTypeProblem(type: string): string | undefined {
    if (type === "ssh-dss")
        return "is a DSA key; OpenSSH disabled DSA in 7.0 and no longer builds it (9.8); use ssh-ed25519";
    if (type.startsWith("sk-"))
        return "is a FIDO security-key key; the SSH steps run unattended, with no token to touch; use ssh-ed25519";
    if (type.includes("-cert-v01@openssh.com"))
        return "is an OpenSSH certificate; Nova keypairs and authorized_keys here take the plain key";
    if (!(SSH_KEY_TYPES as readonly string[]).includes(type))
        return `has key type ${JSON.stringify(type)}; use one of ${SSH_KEY_TYPES.join(", ")}`;
    return undefined;
}

/** The key inside a wire blob of `type`, as a JWK, or the reason it is not a sound key. */
function keyOfBlob(type: string, blob: Buffer): { jwk: JsonWebKey } | { problem: string } {
    const w = new WireReader(blob);
    try {
        const inner = w.text();
        if (inner !== type) return { problem: `says ${type} but its base64 holds a ${JSON.stringify(inner)} key` };
        let jwk: JsonWebKey;
        if (type === "ssh-ed25519") {
            const pub = w.bytes();
            if (pub.length !== 32)
                return { problem: `is an ssh-ed25519 key of ${pub.length} bytes; Ed25519 keys are 32` };
            jwk = { kty: "OKP", crv: "Ed25519", x: b64url(pub) };
        } else if (type === "ssh-rsa") {
            const e = unsigned(w.bytes());
            const n = unsigned(w.bytes());
            const bits = n.length === 0 ? 0 : (n.length - 1) * 8 + n[0].toString(2).length;
            if (bits < RSA_MIN_BITS) {
                return {
                    problem: `is a ${bits}-bit RSA key; use at least ${RSA_MIN_BITS} bits (OpenSSH refuses under 1024, NIST under 2048), or ssh-ed25519`,
                };
            }
            jwk = { kty: "RSA", n: b64url(n), e: b64url(e) };
        } else {
            const curveName = w.text();
            const curve = ECDSA_CURVES[curveName];
            if (!curve || `ecdsa-sha2-${curveName}` !== type)
                return { problem: `says ${type} but holds curve ${JSON.stringify(curveName)}` };
            const q = w.bytes();
            if (q.length !== curve.pointBytes || q[0] !== 4) return { problem: `holds no valid ${curveName} point` };
            const half = (q.length - 1) / 2;
            jwk = { kty: "EC", crv: curve.crv, x: b64url(q.subarray(1, 1 + half)), y: b64url(q.subarray(1 + half)) };
        }
        if (!w.done) return { problem: "has trailing bytes after the key" };
        // OpenSSL checks the numbers (an EC point must be on its curve).
        createPublicKey({ key: jwk, format: "jwk" });
        return { jwk };
    } catch {
        return { problem: "has a base64 body that is not a whole SSH key" };
    }
}

/** sshPublicKey parsed, or the reason OpenSSH or Nova would refuse it. */
export function parseSshPublicKeyLine(value: string): { key: SshPublicKey } | { problem: string } {
    if (/[\r\n]/.test(value.trim()))
        return { problem: "holds more than one line; give exactly one key, on one line (the .pub file)" };
    if (value.startsWith("---- BEGIN SSH2 PUBLIC KEY"))
        return { problem: "is in RFC 4716 format; convert it with ssh-keygen -i -f FILE" };
    const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(value.trim());
    if (!m) return { problem: "is not an OpenSSH public key (ssh-ed25519 AAAA... comment)" };
    const [, type, body, comment] = m;
    if (!/^[a-z0-9@.-]+$/.test(type) || /["=,]/.test(type)) {
        return {
            problem:
                "does not start with a key type; give the key alone, without authorized_keys options (ssh-ed25519 AAAA... comment)",
        };
    }
    const refused = refusedTypeProblem(type);
    if (refused) return { problem: refused };
    // eslint-disable-next-line no-control-regex
    if (comment !== undefined && /[\x00-\x1f\x7f]/.test(comment))
        return { problem: "has a control character in its comment" };
    // A second key pasted on the same line would become the first one's comment, and never work.
    if (comment !== undefined && /(^|\s)(ssh-|ecdsa-|sk-)\S+\s+AAAA/.test(comment))
        return { problem: "holds more than one key; give exactly one" };
    const blob = decodeBase64(body);
    if (!blob) return { problem: "has a key body that is not valid base64" };
    const key = keyOfBlob(type, blob);
    if ("problem" in key) return key;
    return {
        key: {
            type,
            blob,
            jwk: key.jwk,
            fingerprint: `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`,
        },
    };
}

export function sshPublicKeyProblem(value: string): string | undefined {
    const parsed = parseSshPublicKeyLine(value);
    return "problem" in parsed ? parsed.problem : undefined;
}

/** Whether `value` holds private key material, so an error must not quote it. */
export function looksLikePrivateKey(value: string): boolean {
    return /PRIVATE KEY-----|PuTTY-User-Key-File/.test(value);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

const PASSPHRASE =
    "is protected by a passphrase; the SSH steps run unattended and cannot ask for it: set a copy without one (ssh-keygen -p -N '' -f COPY)";

function sameKey(a: JsonWebKey, b: JsonWebKey): boolean {
    return (["kty", "crv", "x", "y", "n", "e"] as const).every((f) => a[f] === b[f]);
}

/** The public half of an OpenSSH-format private key (PROTOCOL.key), or why it cannot be used. */
function mismatch(publicKey: SshPublicKey): string {
    return `does not match hybrid-vnf:sshPublicKey (${publicKey.fingerprint}); give the private half of that key`;
}

function openSshPrivateKey(body: string, publicKey: SshPublicKey | undefined): string | undefined {
    const buf = decodeBase64(body.replace(/\s+/g, ""));
    const MAGIC = Buffer.from("openssh-key-v1\0", "latin1");
    if (!buf || !buf.subarray(0, MAGIC.length).equals(MAGIC))
        return "is not an OpenSSH private key (its body does not decode)";
    try {
        const w = new WireReader(buf.subarray(MAGIC.length));
        const cipher = w.text();
        w.text(); // kdf name
        w.bytes(); // kdf options
        if (cipher !== "none") return PASSPHRASE;
        if (w.uint32() !== 1) return "holds more than one key; give one";
        const pubBlob = w.bytes();
        const priv = new WireReader(w.bytes());
        if (priv.uint32() !== priv.uint32()) return "is corrupt (its check numbers differ)";
        const type = priv.text();
        const refused = refusedTypeProblem(type);
        if (refused) return refused;
        const sound = keyOfBlob(type, pubBlob);
        if ("problem" in sound) return sound.problem;
        if (publicKey && !pubBlob.equals(publicKey.blob)) return mismatch(publicKey);
        if (type === "ssh-ed25519") {
            const pub = priv.bytes();
            const secret = priv.bytes();
            // The stored secret is seed || public key; the seed must give that public key.
            const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), secret.subarray(0, 32)]);
            const derived = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })).export({
                format: "jwk",
            });
            if (derived.x !== b64url(pub) || !secret.subarray(32).equals(pub))
                return "is corrupt (its secret does not give its public key)";
        }
        return undefined;
    } catch {
        return "is not an OpenSSH private key (it is truncated or malformed)";
    }
}

/**
 * Why `value` (sshPrivateKey's plaintext) cannot log in unattended where `publicKeyLine` is
 * authorised (any key, when no line is given), or undefined. The command provider
 * (golang.org/x/crypto/ssh) reads OpenSSH and PEM (PKCS#1, SEC 1, PKCS#8) keys without a
 * passphrase. Never quotes the value.
 */
export function sshPrivateKeyProblem(value: string, publicKeyLine?: string): string | undefined {
    const text = value.trim();
    if (text.startsWith("PuTTY-User-Key-File"))
        return "is a PuTTY key; export it in OpenSSH format (puttygen KEY -O private-openssh)";
    if (/^(ssh-|ecdsa-|sk-)/.test(text))
        return "is a public key; give the private key file (e.g. ~/.ssh/id_ed25519, not the .pub)";
    const blocks = [...text.matchAll(PEM_BLOCK)];
    if (blocks.length === 0 || !text.startsWith("-----BEGIN ") || !text.endsWith("-----")) {
        return "is not a private key (-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----, nothing around it)";
    }
    if (blocks.length > 1) return "holds more than one PEM block; give one private key";
    const [, label, body] = blocks[0];
    if (label === "ENCRYPTED PRIVATE KEY" || /^Proc-Type: 4,ENCRYPTED/m.test(body)) return PASSPHRASE;
    if (label === "DSA PRIVATE KEY") return refusedTypeProblem("ssh-dss");
    const parsed = publicKeyLine === undefined ? undefined : parseSshPublicKeyLine(publicKeyLine);
    if (parsed && "problem" in parsed) return "cannot be checked: hybrid-vnf:sshPublicKey is not a valid key";
    const publicKey = parsed?.key;
    if (label === "OPENSSH PRIVATE KEY") return openSshPrivateKey(body, publicKey);
    if (!["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY"].includes(label))
        return `is a PEM ${JSON.stringify(label)} block, not a private key the SSH client reads`;
    let key: KeyObject;
    try {
        key = createPrivateKey({ key: text, format: "pem" });
    } catch {
        return `is not a valid PEM ${label.toLowerCase()}`;
    }
    const kind = key.asymmetricKeyType;
    const details = key.asymmetricKeyDetails ?? {};
    if (kind === "rsa" && (details.modulusLength ?? 0) < RSA_MIN_BITS)
        return `is a ${details.modulusLength}-bit RSA key; use at least ${RSA_MIN_BITS} bits, or ssh-ed25519`;
    if (kind === "ec" && !["prime256v1", "secp384r1", "secp521r1"].includes(details.namedCurve ?? ""))
        return `is an EC key on ${details.namedCurve}; SSH takes nistp256, nistp384 or nistp521`;
    if (kind !== "rsa" && kind !== "ec" && kind !== "ed25519")
        return `is a ${kind} key; use one of ${SSH_KEY_TYPES.join(", ")}`;
    if (publicKey && !sameKey(createPublicKey(key).export({ format: "jwk" }), publicKey.jwk))
        return mismatch(publicKey);
    return undefined;
}
