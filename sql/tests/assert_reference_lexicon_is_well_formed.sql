-- Lexicon rows: lowercase canonical forms, unique, on the ladder's scales, with spellings.
select descriptor, warmth, convergence
from {{ ref('stg_tone_lexicon') }}
where descriptor != lower(descriptor)
   or warmth not between 0 and 3
   or convergence not between -2 and 2
   or coalesce(variants, '') = ''
   or descriptor in (
       select descriptor from {{ ref('stg_tone_lexicon') }} group by 1 having count(*) > 1
   )
