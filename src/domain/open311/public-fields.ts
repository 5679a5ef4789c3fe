// The fields of a GeoReport v2 `request` an operator may make public (`OPEN311_PUBLIC_FIELDS`). Contact details are
// not among them: no setting can publish a citizen's name, phone or e-mail. `service_request_id` is always shown.

export const OPEN311_PUBLIC_FIELDS = [
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'address',
  'lat',
  'long',
  'media_url',
] as const;
export type Open311PublicField = (typeof OPEN311_PUBLIC_FIELDS)[number];
