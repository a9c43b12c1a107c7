// The image-pinning rule: the service-chain config refuses an unpinned image at the edge, and the
// policy pack refuses one in any plan. No imports, so the policy pack (its own process) can load it.

/** Why an image reference is not pinned, or undefined when it is. */
export function imagePinProblem(image: unknown): string | undefined {
    if (typeof image !== "string" || image.trim() === "") return "has no image";
    const ref = image.trim();
    if (/@sha256:[a-f0-9]{64}$/.test(ref)) return undefined;
    if (ref.includes("@")) return `image ${ref} has a malformed digest`;
    // The tag follows the last ':' after the last '/' (a registry port comes before a '/').
    const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
    const colon = lastSegment.lastIndexOf(":");
    if (colon < 0) return `image ${ref} has no tag, so it means :latest`;
    const tag = lastSegment.slice(colon + 1);
    if (tag === "latest") return `image ${ref} uses the tag latest`;
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return `image ${ref} has an invalid tag`;
    return undefined;
}
