// An IAM error answer: HTTP status, `<Type>` and `<Code>` as IAM's model lists them
// (reference cloud-trust.md §2.6; statuses of auth errors are the SDK-observed 403s).

export class IamError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: "Sender" | "Receiver" = status >= 500 ? "Receiver" : "Sender",
  ) {
    super(message);
  }
}

export const noSuchRole = (name: string) => new IamError(404, "NoSuchEntity", `The role with name ${name} cannot be found.`);
