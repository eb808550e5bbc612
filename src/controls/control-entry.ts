/** One control of a framework catalog: its id as rules write it, and its official or paraphrased title. */
export interface ControlEntry {
  id: string;
  title: string;
}
