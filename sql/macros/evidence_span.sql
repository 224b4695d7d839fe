{#- Where a match found in a sentence's match_text stands in the sentence itself. For most
    sources match_text is the sentence and the offsets are the same. For a source whose rules
    read its words normalised (Russian lemmas, one per token, joined by single spaces), the
    tokens the match touches (the first and last that are not the spaces a boundary took)
    give the original words: match_token_starts / match_token_ends hold where each token
    stands in sentence_text. Expects match_text, match_token_starts and match_token_ends
    among the columns; `offset` is the match's offset in match_text (0-based). -#}
{% macro evidence_tokens_before(position) -%}
    (length(left(match_text, {{ position }})) - length(replace(left(match_text, {{ position }}), ' ', '')))
{%- endmacro %}

{% macro evidence_start(offset, matched) -%}
    (case when match_token_starts is null then {{ offset }}
        else match_token_starts[
            {{ evidence_tokens_before(offset ~ " + length(" ~ matched ~ ") - length(ltrim(" ~ matched ~ "))") }} + 1
        ] end)
{%- endmacro %}

{% macro evidence_end(offset, matched) -%}
    (case when match_token_ends is null then {{ offset }} + length({{ matched }})
        else match_token_ends[
            {{ evidence_tokens_before(offset ~ " + length(rtrim(" ~ matched ~ ")) - 1") }} + 1
        ] end)
{%- endmacro %}

{#- The words of the sentence a match stands for: the match itself where the rules read the
    sentence. -#}
{% macro evidence_text(offset, matched) -%}
    (case when match_token_starts is null then {{ matched }}
        else substr(sentence_text, {{ evidence_start(offset, matched) }} + 1,
            {{ evidence_end(offset, matched) }} - {{ evidence_start(offset, matched) }}) end)
{%- endmacro %}
