-- Sentences of each item version; char_start/char_end index the version's `text`
-- (0-based, end exclusive), so that every label can point at its evidence.
select
    source,
    item_id,
    entry_sha,
    sentence_no,
    paragraph_no,
    char_start,
    char_end,
    sentence_text
from {{ source('raw', 'sentences') }}
