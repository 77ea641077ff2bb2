// The points between two durable steps of a run where a crash must lose nothing: after the server answered
// a refresh and before the new pair is saved, after each feed page, after the sync lock is taken. The CLI
// itself does nothing there; the durability tests start it through test/fixtures/faulty-cli.mjs, which
// installs faults (a kill, a wait) at these points.
export type FaultPoints = {
  afterRefresh(): void;
  afterPage(pages: number): void;
  afterLock(): Promise<void>;
};

const none: FaultPoints = { afterRefresh() {}, afterPage() {}, async afterLock() {} };

let installed: FaultPoints = none;

export function installFaults(points: Partial<FaultPoints>): void {
  installed = { ...none, ...points };
}

export const faults: FaultPoints = {
  afterRefresh: () => installed.afterRefresh(),
  afterPage: (pages) => installed.afterPage(pages),
  afterLock: () => installed.afterLock(),
};
