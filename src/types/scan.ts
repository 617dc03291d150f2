/** Image scan vocabulary: severities, most severe first, and one poll's answer. */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

export interface ScanState {
  status: string;
  counts: Record<string, number>;
}
