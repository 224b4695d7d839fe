select
    kind,
    cast(window_days as integer) as window_days,
    cast(min_baseline as integer) as min_baseline,
    cast(nullif(threshold, '') as double) as threshold,
    string_split(nullif(trim(signals), ''), ';') as signals,
    description
from {{ ref('tone_shift_rules') }}
