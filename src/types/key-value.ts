/** A `KEY=VALUE` entry of a list input (build args, labels, secrets, repository tags). */
export interface KeyValue {
  key: string;
  value: string;
}
