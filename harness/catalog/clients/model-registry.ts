/** Request counts of the stack's model registry since it started. */
export interface ModelRegistryStats {
  total: number;
  manifests: number;
  blobs: number;
  blobdata: number;
}

/** Reads the stack's own model registry over HTTP. */
export class ModelRegistry {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  async stats(): Promise<ModelRegistryStats> {
    return (await this.get("/stats")) as ModelRegistryStats;
  }

  /** The names of the models it serves, e.g. "library/tiny-llama". */
  async repositories(): Promise<string[]> {
    return ((await this.get("/v2/_catalog")) as { repositories: string[] }).repositories;
  }

  private async get(path: string): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`);
    if (!response.ok) throw new Error(`${this.url}${path} answered ${response.status}`);
    return response.json();
  }
}
