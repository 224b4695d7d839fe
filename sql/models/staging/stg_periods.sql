select
    period_set,
    period,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date
from {{ ref('periods') }}
