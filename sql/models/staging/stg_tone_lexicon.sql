select
    lower(trim(descriptor)) as descriptor,
    ladder_group,
    cast(warmth as integer) as warmth,
    cast(convergence as integer) as convergence,
    variants
from {{ ref('tone_lexicon') }}
