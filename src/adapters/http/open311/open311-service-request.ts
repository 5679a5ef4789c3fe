// A hotline record as an Open311 service request. GeoReport reads are public (no api_key), so this shows the
// matter, never the person: no contact details ever, only the fields the operator made public
// (`OPEN311_PUBLIC_FIELDS`), no text when classification flagged private content, and nothing at all of a request the
// citizen asked to keep private (see `isPubliclyListed`).

import { dispositionNotice } from '../../../domain/dispositions/dispositions.js';
import type { DispositionTexts } from '../../../domain/dispositions/dispositions.js';
import { LANGUAGES, STATUSES } from '../../../domain/intake/submission.js';
import type { EmergencyLine, Status, Submission } from '../../../domain/intake/submission.js';
import type { IntakeRecord } from '../../../app/intake/intake-ports.js';
import { currentStatus, OPEN_STATUSES } from '../../../app/intake/intake-query.js';
import { OPEN311_PUBLIC_FIELDS } from '../../../domain/open311/public-fields.js';
import type { Open311PublicField } from '../../../domain/open311/public-fields.js';
import type { RecordNode } from './open311-document.js';
import { serviceName } from './open311-services.js';
import { formatW3cDateTime } from './w3c-datetime.js';

export { OPEN_STATUSES };
/** Every status intake does not count as still being handled. */
export const CLOSED_STATUSES: readonly Status[] = STATUSES.filter((status) => !OPEN_STATUSES.includes(status));

export type Open311Status = 'open' | 'closed';

export function open311Status(status: Status): Open311Status {
  return OPEN_STATUSES.includes(status) ? 'open' : 'closed';
}

const EMERGENCY_NOTICE: Readonly<Record<EmergencyLine, string>> = {
  '110': '如有人身危险，请立即拨打110报警。 If anyone is in danger, call the police on 110 now.',
  '119': '如发生火灾，请立即拨打119。 If there is a fire, call 119 now.',
  '120': '如需急救，请立即拨打120。 If someone needs an ambulance, call 120 now.',
  '122': '如发生交通事故，请立即拨打122。 To report a traffic accident, call 122 now.',
};

const RECEIVED_NOTICE = '12345热线已收到您的诉求，将转交责任部门办理。 The 12345 hotline has received this request and will pass it to the department responsible.';

/**
 * What happens next: first the emergency line when classification heard danger, then receipt, then where a matter
 * the regulations send elsewhere is handled (both languages, as the rest of the notice: GeoReport has no language).
 */
export function serviceNotice(submission: Submission, dispositions?: DispositionTexts): string {
  const line = submission.hints.emergency?.line;
  const received = line === undefined ? RECEIVED_NOTICE : `${EMERGENCY_NOTICE[line]} ${RECEIVED_NOTICE}`;
  if (dispositions === undefined) return received;
  const elsewhere = LANGUAGES.map((language) => dispositionNotice(submission.hints, language, dispositions)).filter((text) => text !== undefined);
  return elsewhere.length === 0 ? received : `${received} ${elsewhere.join(' ')}`;
}

/** Whether a record may appear in a public read at all: an Open311 request the citizen did not ask to keep private. */
export function isPubliclyListed(record: IntakeRecord): boolean {
  return record.submission.channel === 'open311' && record.submission.private !== true;
}

/** The GeoReport v2 `request` element, in the spec's field order, with the public fields only; fields we have no value for are left out. */
export function serviceRequestNode(record: IntakeRecord, publicFields: ReadonlySet<Open311PublicField> = new Set(OPEN311_PUBLIC_FIELDS)): RecordNode {
  const full = allFields(record);
  return Object.fromEntries(Object.entries(full).filter(([field]) => field === 'service_request_id' || publicFields.has(field as Open311PublicField)));
}

function allFields(record: IntakeRecord): RecordNode & { service_request_id: string } {
  const { submission, history } = record;
  const last = history.at(-1);
  const code = submission.refs.open311ServiceCode ?? submission.category;
  const location = submission.location;
  return {
    service_request_id: submission.ticket,
    status: open311Status(currentStatus(record)),
    status_notes: history.findLast((entry) => entry.note !== undefined && entry.note !== '')?.note,
    service_name: serviceName(code) ?? serviceName(submission.category),
    service_code: code,
    description: submission.hints.privacy === undefined ? submission.text : undefined,
    agency_responsible: history.findLast((entry) => entry.agency !== undefined && entry.agency !== '')?.agency,
    service_notice: serviceNotice(submission),
    requested_datetime: w3c(submission.receivedAt),
    updated_datetime: w3c(last?.at ?? submission.receivedAt),
    address: location?.address,
    lat: location?.lat,
    long: location?.lon,
    media_url: submission.refs.mediaUrls?.[0],
  };
}

function w3c(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : formatW3cDateTime(ms);
}
