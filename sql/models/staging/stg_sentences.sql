select
    source,
    item_id,
    entry_sha,
    sentence_no,
    paragraph_no,
    char_start,
    char_end,
    sentence_text,
    match_text,
    match_token_starts,
    match_token_ends
from {{ source('raw', 'sentences') }}
