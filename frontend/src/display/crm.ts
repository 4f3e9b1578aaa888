// Dynamics 365 records as the UI shows them, from the generated catalogue
// (src/api/crm.gen.ts, storage/crm in Go).
import { recordSets, type RecordSet } from '../api';

// isRecordSet says whether set is a record type the catalogue knows.
export const isRecordSet = (set: string): set is RecordSet => (recordSets as readonly string[]).includes(set);
