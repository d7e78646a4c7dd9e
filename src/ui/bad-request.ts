/** A request the inspector cannot read: answered 400 with a page naming the field in plain words. */
export class BadRequest extends Error {
  constructor(
    /** The field as the reader sees it: "Status", "Created from", "the run id in the address". */
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = "BadRequest";
  }
}

/** `raw` percent-decoded, or a BadRequest naming `field` when it is not valid percent-encoding (`/runs/%ZZ`). */
export function decodePathPart(raw: string, field: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequest(field, `“${raw}” is not valid percent-encoding`);
  }
}
