// Why a backup or restore was refused. The message is meant for the operator running the command: it says what is
// wrong and what to do, and the CLI prints it as is.
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}
