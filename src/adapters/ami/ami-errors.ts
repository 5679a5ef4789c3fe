export type AmiActionErrorCode = 'AMI_TIMEOUT' | 'AMI_ERROR' | 'AMI_DISCONNECTED';

/** An AMI action that did not succeed. `amiMessage` is Asterisk's own `Message:` when it answered. */
export class AmiActionError extends Error {
  override readonly name = 'AmiActionError';
  constructor(
    readonly code: AmiActionErrorCode,
    readonly action: string,
    message: string,
    readonly amiMessage?: string,
  ) {
    super(message);
  }
}

/** Asterisk refused the AMI username/secret (manager.conf), or the user may not log in from this address. */
export class AmiAuthenticationError extends Error {
  override readonly name = 'AmiAuthenticationError';
  readonly code = 'AMI_AUTH_FAILED';
  constructor(
    readonly username: string,
    readonly amiMessage: string | undefined,
  ) {
    super(`AMI login as "${username}" refused: ${amiMessage ?? 'no reason given'}`);
  }
}
