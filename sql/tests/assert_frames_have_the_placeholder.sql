-- A tone frame without {descriptors} could never yield a descriptor.
select frame from staging.stg_tone_frames where pattern not like '%{descriptors}%'
