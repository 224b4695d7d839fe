select
    topic,
    label as topic_label,
    lower(counts_in_greetings) = 'true' as counts_in_greetings,
    pattern
from {{ ref('topics') }}
