// asterisk-manager 0.2.0 ships no types; this is the part the tests drive.
declare module 'asterisk-manager' {
  interface ManagerInstance {
    connect(port: number, host: string, callback?: () => void): void;
    login(callback?: (error: Record<string, string> | undefined) => void): void;
    action(action: Record<string, unknown>, callback?: (error: Record<string, string> | undefined, response: Record<string, string>) => void): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
    on(event: string, listener: (...args: never[]) => void): void;
    once(event: string, listener: (...args: never[]) => void): void;
  }
  function Manager(port: number | undefined, host: string, username: string, password: string, events: boolean): ManagerInstance;
  export default Manager;
}
