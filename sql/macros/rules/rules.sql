{#- The tone and topic rules (seeds tone_lexicon, tone_frames, tone_signals, topics) as
    SQL expressions over `subject`, with every pattern a constant. Each returns every match
    with the text before it; the models turn those into positions. Given `source_column`,
    each source's own rule files apply to its items (macros/rules/sources.sql). -#}

{%- macro rule_lexicon(source=none) -%}
    {{ return(rule_rows(
        "select lower(trim(descriptor)), variants from " ~ rule_relation(source, "tone_lexicon")
        ~ " order by length(variants) desc"
    )) }}
{%- endmacro -%}

{%- macro rule_signals(source=none) -%}
    {{ return(rule_rows(
        "select signal, pattern from " ~ rule_relation(source, "tone_signals") ~ " order by 1"
    )) }}
{%- endmacro -%}

{#- Per frame: each match, the text before its descriptor list, and the list. -#}
{%- macro frame_hits(subject, source_column=none) -%}
    {%- set branches = [] -%}
    {%- if source_column is not none -%}
        {%- for source in rule_sources(["tone_lexicon", "tone_frames"]) -%}
            {%- do branches.append((source, frame_hits_of(subject, source))) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(rule_case(source_column, branches, frame_hits_of(subject))) }}
{%- endmacro -%}

{%- macro frame_hits_of(subject, source=none) -%}
    {%- set variants = [] -%}
    {%- for row in rule_lexicon(source) -%}{%- do variants.append(row[1]) -%}{%- endfor -%}
    {%- set item = rule_adverb() ~ "*" ~ "(?:" ~ variants | join("|") ~ ")" -%}
    {%- set descriptor_list = item ~ "(?:" ~ rule_separator() ~ item ~ ")*" -%}
    {%- set hits = [] -%}
    {%- for frame, pattern in rule_rows("select frame, pattern from " ~ rule_relation(source, "tone_frames") ~ " order by 1") -%}
        {%- set regex = rule_frame_regex(frame, pattern, descriptor_list) -%}
        {%- do hits.append(
            "{'frame': " ~ rule_literal(frame) ~ ", 'hits': "
            ~ rule_located(regex, subject, ["before", "list"]) ~ "}"
        ) -%}
    {%- endfor -%}
    {{ return("[" ~ hits | join(", ") ~ "]") }}
{%- endmacro -%}

{#- Per descriptor: its spellings in a list such as "frank and business-like". -#}
{%- macro descriptors_in(subject, source_column=none) -%}
    {%- set branches = [] -%}
    {%- if source_column is not none -%}
        {%- for source in rule_sources(["tone_lexicon"]) -%}
            {%- do branches.append((source, descriptors_in_of(subject, source))) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(rule_case(source_column, branches, descriptors_in_of(subject))) }}
{%- endmacro -%}

{%- macro descriptors_in_of(subject, source=none) -%}
    {%- set entries = [] -%}
    {%- for descriptor, variants in rule_lexicon(source) -%}
        {%- do entries.append([
            ("descriptor", rule_literal(descriptor)),
            ("hits", rule_located(rule_whole_words(variants), subject)),
        ]) -%}
    {%- endfor -%}
    {{ return(rule_struct_list(entries)) }}
{%- endmacro -%}

{%- macro signal_hits(subject, source_column=none) -%}
    {%- set branches = [] -%}
    {%- if source_column is not none -%}
        {%- for source in rule_sources(["tone_signals"]) -%}
            {%- do branches.append((source, signal_hits_of(subject, source))) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(rule_case(source_column, branches, signal_hits_of(subject))) }}
{%- endmacro -%}

{#- Each hit also carries 'party': the words a pattern's {party} slot took (the models keep
    the hit only when they name a side of the call), '' for a hit without a slot. -#}
{%- macro signal_hits_of(subject, source=none) -%}
    {%- set entries = [] -%}
    {%- for signal, pattern in rule_signals(source) -%}
        {%- do entries.append([
            ("signal", rule_literal(signal)),
            ("hits", rule_located(rule_signal_regex(signal, pattern), subject, ["party"])),
        ]) -%}
    {%- endfor -%}
    {{ return(rule_struct_list(entries)) }}
{%- endmacro -%}

{%- macro topic_hits(subject, source_column=none) -%}
    {%- set branches = [] -%}
    {%- if source_column is not none -%}
        {%- for source in rule_sources(["topics"]) -%}
            {%- do branches.append((source, topic_hits_of(subject, source))) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(rule_case(source_column, branches, topic_hits_of(subject))) }}
{%- endmacro -%}

{%- macro topic_hits_of(subject, source=none) -%}
    {%- set entries = [] -%}
    {%- for topic, pattern in rule_rows("select topic, pattern from " ~ rule_relation(source, "topics") ~ " order by 1") -%}
        {%- do entries.append([("topic", rule_literal(topic)), ("hits", rule_located(pattern, subject))]) -%}
    {%- endfor -%}
    {{ return(rule_struct_list(entries)) }}
{%- endmacro -%}

{#- The pattern a {party} slot's words must match: `alternation`, an SQL expression for the
    call's two sides' names as a regex alternation (int_call_parties), after the lead words a
    name may follow, or the words that name the other side whoever it is. -#}
{%- macro party_pattern(alternation) -%}
    {{ return(
        rule_literal(rule_party_lead() ~ "(?:") ~ " || " ~ alternation ~ " || "
        ~ rule_literal("|" ~ rule_party_generic() ~ ")(?:\\W|$)")
    ) }}
{%- endmacro -%}

{#- The stretch of a sentence a greeting formula takes, from the greeting word to the end
    of its clause. -#}
{%- macro greeting_spans(subject, source_column=none) -%}
    {%- set branches = [] -%}
    {%- if source_column is not none -%}
        {%- for source in rule_sources(["tone_signals"]) -%}
            {%- do branches.append((source, greeting_spans_of(subject, source))) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(rule_case(source_column, branches, greeting_spans_of(subject))) }}
{%- endmacro -%}

{%- macro greeting_spans_of(subject, source=none) -%}
    {%- set found = [] -%}
    {%- for signal, pattern in rule_signals(source) if signal == "congratulations_or_greetings" -%}
        {%- do found.append(pattern) -%}
    {%- endfor -%}
    {%- set greeting = found[0] if found else rule_never() -%}
    {%- set wish = rule_word_boundary() ~ "wish(?:ed|es|ing)?" ~ rule_word_boundary() -%}
    {{ return(rule_located(
        "(?i)(?:" ~ greeting ~ "|" ~ wish ~ ")" ~ rule_greeting_clause_end(), subject
    )) }}
{%- endmacro -%}

{#- `dbt run-operation create_rule_macros`: the same rules as DuckDB macros, to try a rule on
    a sentence in SQL: reference.signal_hits(s) applies the shared rules, and, when the
    sources' own rule seeds are built, reference.signal_hits(source, s) those of the source. -#}
{%- macro create_rule_macros() -%}
    {%- set state = namespace(per_source=true) -%}
    {%- for source, rules, node in rule_seed_nodes(["tone_lexicon", "tone_frames", "tone_signals", "topics"]) -%}
        {#- a plain query: the adapter's relation lookup opens a transaction that the
            run-operation then rolls back, macros and all -#}
        {%- set found = run_query(
            "select count(*) from duckdb_tables() where schema_name = "
            ~ rule_literal(node.schema) ~ " and table_name = " ~ rule_literal(node.alias or node.name)
        ).columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {%- set state.per_source = false -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set makers = {
        "frame_hits": frame_hits,
        "descriptors_in": descriptors_in,
        "signal_hits": signal_hits,
        "topic_hits": topic_hits,
        "greeting_spans": greeting_spans,
    } -%}
    {%- do run_query("create or replace macro reference.party_pattern(names) as " ~ party_pattern("names")) -%}
    {%- for name, make in makers.items() -%}
        {%- set body = make("s") -%}
        {%- if state.per_source -%}
            {%- set body = body ~ ", (src, s) as " ~ make("s", "src") -%}
        {%- endif -%}
        {%- do run_query("create or replace macro reference." ~ name ~ "(s) as " ~ body) -%}
    {%- endfor -%}
{%- endmacro -%}
