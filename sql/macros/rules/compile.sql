{#- Helpers that turn rules into SQL with constant patterns. Why constant: DuckDB compiles
    a regular expression once per query when the pattern is a literal, but once per row
    when it comes from a joined table (~40x slower tagging). -#}

{%- macro rule_literal(text) -%}
{{ return("'" ~ (text | string).replace("'", "''") ~ "'") }}
{%- endmacro -%}

{#- [{'key': <sql expression>, ...}, ...] as a DuckDB list of structs. -#}
{%- macro rule_struct_list(entries) -%}
    {%- set structs = [] -%}
    {%- for entry in entries -%}
        {%- set fields = [] -%}
        {%- for key, expression in entry -%}
            {%- do fields.append(rule_literal(key) ~ ": " ~ expression) -%}
        {%- endfor -%}
        {%- do structs.append("{" ~ fields | join(", ") ~ "}") -%}
    {%- endfor -%}
    {{ return("[" ~ structs | join(", ") ~ "]") }}
{%- endmacro -%}

{%- macro rule_whole_words(variants) -%}
{{ return("(?i)" ~ rule_word_start(variants) ~ "(?:" ~ variants ~ ")" ~ rule_word_end(variants)) }}
{%- endmacro -%}

{#- Every match of `regex` in `subject`, as aligned lists: 'prefixes' (the text between the
    previous match and this one) and 'matched', plus any `groups` of the regex. DuckDB has
    no match positions; the models turn the prefixes into offsets with a running sum. One
    pass with a lazy prefix, `(.*?)(regex)`, finds the same leftmost, non-overlapping
    matches as the regex alone. Most sentences match no given rule: a cheap first test
    spares them the extraction. -#}
{%- macro rule_located(regex, subject, groups=[]) -%}
    {%- set scan = rule_literal("((?s:.*?))(" ~ regex ~ ")") -%}
    {%- set names = ["prefixes", "matched"] + groups -%}
    {%- set found = [] -%}
    {%- set empty = [] -%}
    {%- for name in names -%}
        {%- do found.append(rule_literal(name) ~ ": regexp_extract_all(" ~ subject ~ ", " ~ scan ~ ", " ~ loop.index ~ ")") -%}
        {%- do empty.append(rule_literal(name) ~ ": []::VARCHAR[]") -%}
    {%- endfor -%}
    {{ return(
        "(case when regexp_matches(" ~ subject ~ ", " ~ rule_literal(regex) ~ ") then {"
        ~ found | join(", ") ~ "} else {" ~ empty | join(", ") ~ "} end)"
    ) }}
{%- endmacro -%}

{#- The frame with its text before the descriptor list captured (group 1) and the list
    (group 2), so that the list's offset inside the match is known. -#}
{%- macro rule_frame_regex(frame, pattern, descriptor_list) -%}
    {%- set flags_match = modules.re.match(rule_leading_flags(), pattern) -%}
    {%- set flags = flags_match.group(0) if flags_match else "" -%}
    {%- set body = pattern[flags | length:] -%}
    {%- if body.count("{descriptors}") != 1 -%}
        {{ exceptions.raise_compiler_error("tone frame '" ~ frame ~ "': use {descriptors} exactly once") }}
    {%- endif -%}
    {%- set parts = body.split("{descriptors}") -%}
    {%- set before = parts[0] -%}
    {%- set opened = before.count("(") - before.count("\\(") -%}
    {%- set closed = before.count(")") - before.count("\\)") -%}
    {%- if opened != closed -%}
        {{ exceptions.raise_compiler_error("tone frame '" ~ frame ~ "': {descriptors} must not be inside a group") }}
    {%- endif -%}
    {{ return(flags ~ "(" ~ before ~ ")(" ~ descriptor_list ~ ")" ~ parts[1]) }}
{%- endmacro -%}

{#- A signal's pattern with its {party} slot (at most one) made a capture group; a pattern
    without a slot gets an empty group, so that every hit has the same fields. -#}
{%- macro rule_signal_regex(signal, pattern) -%}
    {%- set slots = pattern.count("{party}") -%}
    {%- if slots > 1 -%}
        {{ exceptions.raise_compiler_error("tone signal '" ~ signal ~ "': use {party} at most once") }}
    {%- endif -%}
    {%- if slots == 0 -%}
        {{ return(pattern ~ "()") }}
    {%- endif -%}
    {{ return(pattern.replace("{party}", "(" ~ rule_party_slot() ~ ")")) }}
{%- endmacro -%}

{#- Rows of a seed, read when the model is compiled (dbt builds the seed first: the model
    declares it with depends_on). At parse time there is nothing to read yet. -#}
{%- macro rule_rows(query) -%}
    {%- if execute -%}
        {{ return(run_query(query).rows) }}
    {%- endif -%}
    {{ return([]) }}
{%- endmacro -%}
