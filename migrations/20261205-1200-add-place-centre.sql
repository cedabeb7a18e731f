-- A hamlet (or any unit) may carry a centre point: where the team meets, where a visitor is sent.
-- Both coordinates or neither, in WGS 84 degrees.
alter table places
  add column centre_lat double precision,
  add column centre_lng double precision,
  add constraint places_centre_both check ((centre_lat is null) = (centre_lng is null)),
  add constraint places_centre_range check (
    centre_lat is null or (centre_lat between -90 and 90 and centre_lng between -180 and 180)
  );
