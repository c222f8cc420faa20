/** A worker as the Spark master's /json/ state lists it. */
export interface SparkWorkerState {
  id: string;
  host: string;
  state: string;
  cores: number;
  memory: number;
}

/** An application as the Spark master's /json/ state lists it. */
export interface SparkAppState {
  id: string;
  name: string;
  state: string;
}

/** The state a Spark master (status, workers, apps) or worker (id, masterurl) UI serves at /json/. */
export interface SparkUiState {
  status?: string;
  url?: string;
  workers?: SparkWorkerState[];
  activeapps?: SparkAppState[];
  completedapps?: SparkAppState[];
  id?: string;
  masterurl?: string;
}

/** Reads a Spark standalone master's or worker's state from its web UI. */
export class SparkUi {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  async state(): Promise<SparkUiState> {
    const response = await fetch(`${this.url}/json/`);
    if (!response.ok) throw new Error(`${this.url}/json/ answered ${response.status}`);
    return (await response.json()) as SparkUiState;
  }
}
