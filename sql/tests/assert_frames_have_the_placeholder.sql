-- A tone frame without {descriptors} could never yield a descriptor.
select frame from {{ ref('stg_tone_frames') }} where pattern not like '%{descriptors}%'
