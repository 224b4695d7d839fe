{#- The tone and topic rules (seeds tone_lexicon, tone_frames, tone_signals, topics) as
    SQL expressions over `subject`, with every pattern a constant. Each returns every match
    with the text before it; the models turn those into positions. -#}

{%- macro rule_lexicon() -%}
    {{ return(rule_rows(
        "select lower(trim(descriptor)), variants from " ~ ref("tone_lexicon")
        ~ " order by length(variants) desc"
    )) }}
{%- endmacro -%}

{%- macro rule_signals() -%}
    {{ return(rule_rows("select signal, pattern from " ~ ref("tone_signals") ~ " order by 1")) }}
{%- endmacro -%}

{#- Per frame: each match, the text before its descriptor list, and the list. -#}
{%- macro frame_hits(subject) -%}
    {%- set variants = [] -%}
    {%- for row in rule_lexicon() -%}{%- do variants.append(row[1]) -%}{%- endfor -%}
    {%- set item = rule_adverb() ~ "*" ~ "(?:" ~ variants | join("|") ~ ")" -%}
    {%- set descriptor_list = item ~ "(?:" ~ rule_separator() ~ item ~ ")*" -%}
    {%- set hits = [] -%}
    {%- for frame, pattern in rule_rows("select frame, pattern from " ~ ref("tone_frames") ~ " order by 1") -%}
        {%- set regex = rule_frame_regex(frame, pattern, descriptor_list) -%}
        {%- do hits.append(
            "{'frame': " ~ rule_literal(frame) ~ ", 'hits': "
            ~ rule_located(regex, subject, ["before", "list"]) ~ "}"
        ) -%}
    {%- endfor -%}
    {{ return("[" ~ hits | join(", ") ~ "]") }}
{%- endmacro -%}

{#- Per descriptor: its spellings in a list such as "frank and business-like". -#}
{%- macro descriptors_in(subject) -%}
    {%- set entries = [] -%}
    {%- for descriptor, variants in rule_lexicon() -%}
        {%- do entries.append([
            ("descriptor", rule_literal(descriptor)),
            ("hits", rule_located(rule_whole_words(variants), subject)),
        ]) -%}
    {%- endfor -%}
    {{ return(rule_struct_list(entries)) }}
{%- endmacro -%}

{%- macro signal_hits(subject) -%}
    {%- set entries = [] -%}
    {%- for signal, pattern in rule_signals() -%}
        {%- do entries.append([("signal", rule_literal(signal)), ("hits", rule_located(pattern, subject))]) -%}
    {%- endfor -%}
    {{ return(rule_struct_list(entries)) }}
{%- endmacro -%}

{%- macro topic_hits(subject) -%}
    {%- set entries = [] -%}
    {%- for topic, pattern in rule_rows("select topic, pattern from " ~ ref("topics") ~ " order by 1") -%}
        {%- do entries.append([("topic", rule_literal(topic)), ("hits", rule_located(pattern, subject))]) -%}
    {%- endfor -%}
    {{ return(rule_struct_list(entries)) }}
{%- endmacro -%}

{#- The stretch of a sentence a greeting formula takes, from the greeting word to the end
    of its clause. -#}
{%- macro greeting_spans(subject) -%}
    {%- set found = [] -%}
    {%- for signal, pattern in rule_signals() if signal == "congratulations_or_greetings" -%}
        {%- do found.append(pattern) -%}
    {%- endfor -%}
    {%- set greeting = found[0] if found else rule_never() -%}
    {%- set wish = rule_word_boundary() ~ "wish(?:ed|es|ing)?" ~ rule_word_boundary() -%}
    {{ return(rule_located(
        "(?i)(?:" ~ greeting ~ "|" ~ wish ~ ")" ~ rule_greeting_clause_end(), subject
    )) }}
{%- endmacro -%}

{#- `dbt run-operation create_rule_macros`: the same rules as DuckDB macros
    (reference.frame_hits(s), ...), to try a rule on a sentence in SQL. -#}
{%- macro create_rule_macros() -%}
    {%- set bodies = {
        "frame_hits": frame_hits("s"),
        "descriptors_in": descriptors_in("s"),
        "signal_hits": signal_hits("s"),
        "topic_hits": topic_hits("s"),
        "greeting_spans": greeting_spans("s"),
    } -%}
    {%- for name, body in bodies.items() -%}
        {%- do run_query("create or replace macro reference." ~ name ~ "(s) as " ~ body) -%}
    {%- endfor -%}
{%- endmacro -%}
