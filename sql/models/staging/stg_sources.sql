-- One row per source and leader, as each source module declares them: what the models that
-- set two sources side by side match on, and what every publication attributes.
select
    source,
    leader,
    leader_surname,
    term_start,
    term_end,
    country_code,
    office,
    time_zone,
    licence,
    attribution
from {{ source('raw', 'sources') }}
