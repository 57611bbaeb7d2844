/** The registry host (with port) an image reference names, e.g. "127.0.0.1:5000" for 127.0.0.1:5000/app:tag. */
export function registryHost(ref: string): string {
  const slash = ref.indexOf("/");
  const first = slash === -1 ? "" : ref.slice(0, slash);
  // Docker's rule: the first path component is a registry host only when it has a dot or a port, or is localhost.
  if (first === "" || !(first.includes(".") || first.includes(":") || first === "localhost")) {
    throw new Error(
      `registry reference "${ref}" names no registry host; write it in full, e.g. 127.0.0.1:5000/sample-service:tag`,
    );
  }
  return first;
}

/** True for registries on this machine's loopback, the only ones that may be spoken to over plain HTTP. */
export function isLoopbackRegistry(ref: string): boolean {
  const host = registryHost(ref);
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
  return name === "localhost" || name === "[::1]" || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Finds the manifest digest in `docker push` output ("latest: digest: sha256:... size: 1234"). */
export function digestFromPushOutput(output: string): string {
  const match = /digest: (sha256:[0-9a-f]{64})/.exec(output);
  if (!match?.[1]) throw new Error("the push output names no digest");
  return match[1];
}

export function isDigest(value: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(value);
}
