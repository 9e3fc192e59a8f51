"""Every Cypher statement the Neo4j engine runs, as named constants.

All values travel as ``$parameters``; no statement is ever built from strings.
Direction convention (DESIGN.md): ``(a)-[:REQUIRES]->(b)`` means b is a
prerequisite of a.
"""

from __future__ import annotations

CURRICULUM_INFO = """
MATCH (c:Curriculum {key: 'active'})
RETURN c.name AS name, c.fingerprint AS fingerprint,
       COUNT { (:KnowledgePoint) } AS kps,
       COUNT { (:KnowledgePoint)-[:REQUIRES]->(:KnowledgePoint) } AS edges,
       COUNT { (:Standard) } AS standards
"""

CURRICULUM_FINGERPRINT = """
MATCH (c:Curriculum {key: 'active'})
RETURN c.fingerprint AS fingerprint
"""

# -- load (all run inside one write transaction) -----------------------------------
DELETE_STALE_KNOWLEDGE_POINTS = """
MATCH (k:KnowledgePoint) WHERE NOT k.id IN $ids
DETACH DELETE k
"""
DELETE_STALE_STANDARDS = """
MATCH (s:Standard) WHERE NOT s.id IN $ids
DETACH DELETE s
"""
DELETE_CURRICULUM_RELATIONSHIPS = """
MATCH (k:KnowledgePoint)-[r:REQUIRES|RELATED|ALIGNS_TO]->()
DELETE r
"""
DELETE_STANDARD_RELATIONSHIPS = """
MATCH (:Standard)-[r:REQUIRES]->(:Standard)
DELETE r
"""
UPSERT_KNOWLEDGE_POINTS = """
UNWIND $rows AS row
MERGE (k:KnowledgePoint {id: row.id})
SET k = row
"""
UPSERT_STANDARDS = """
UNWIND $rows AS row
MERGE (s:Standard {id: row.id})
SET s = row
"""
CREATE_REQUIRES = """
UNWIND $rows AS row
MATCH (a:KnowledgePoint {id: row.dependent})
MATCH (b:KnowledgePoint {id: row.prerequisite})
CREATE (a)-[:REQUIRES]->(b)
"""
CREATE_RELATED = """
UNWIND $rows AS row
MATCH (a:KnowledgePoint {id: row.a})
MATCH (b:KnowledgePoint {id: row.b})
CREATE (a)-[:RELATED]->(b)
"""
CREATE_STANDARD_REQUIRES = """
UNWIND $rows AS row
MATCH (a:Standard {id: row.dependent})
MATCH (b:Standard {id: row.prerequisite})
CREATE (a)-[:REQUIRES]->(b)
"""
CREATE_ALIGNS_TO = """
UNWIND $rows AS row
MATCH (k:KnowledgePoint {id: row.kp})
MATCH (s:Standard {id: row.standard})
CREATE (k)-[:ALIGNS_TO]->(s)
"""
SET_CURRICULUM = """
MERGE (c:Curriculum {key: 'active'})
SET c.name = $name, c.fingerprint = $fingerprint, c.format = $format,
    c.loaded_at = datetime()
"""
CURRICULUM_FORMAT = """
MATCH (c:Curriculum {key: 'active'}) RETURN c.format AS format
"""

# -- reads -------------------------------------------------------------------------
GET_KNOWLEDGE_POINT = """
MATCH (k:KnowledgePoint {id: $id})
OPTIONAL MATCH (k)-[:ALIGNS_TO]->(s:Standard)
WITH k, s ORDER BY s.id
RETURN k {.*} AS kp, collect(s.id) AS standards
"""
GET_STANDARD = """
MATCH (s:Standard {id: $id})
RETURN s {.*} AS standard
"""
LIST_KNOWLEDGE_POINTS = """
MATCH (k:KnowledgePoint)
WHERE ($grade IS NULL OR k.grade = $grade) AND ($domain IS NULL OR k.domain = $domain)
OPTIONAL MATCH (k)-[:ALIGNS_TO]->(s:Standard)
WITH k, s ORDER BY s.id
RETURN k {.*} AS kp, collect(s.id) AS standards
"""
KNOWLEDGE_POINT_EXISTS = """
MATCH (k:KnowledgePoint {id: $id}) RETURN count(k) > 0 AS found
"""
# Unbounded closures, in one round trip: no row means no such point. With DISTINCT on
# the end node the planner uses a pruning breadth-first var-length expand
# (VarLengthExpand(Pruning,BFS)), so shared sub-DAGs are visited once, not once per
# path. The answer is one record holding a list of each point's `ix` (its rank in
# sorted-id order, set at load time): integers are cheaper to read, ship and decode
# than ids, and the client maps them back through its copy of ID_TABLE, refreshed
# whenever the curriculum fingerprint returned alongside changes.
ALL_PREREQUISITES = """
MATCH (k:KnowledgePoint {id: $id})
OPTIONAL MATCH (c:Curriculum {key: 'active'})
RETURN c.fingerprint AS fingerprint,
       COLLECT { MATCH (k)-[:REQUIRES*1..]->(p) WITH DISTINCT p RETURN p.ix } AS ixs
"""
ALL_DEPENDENTS = """
MATCH (k:KnowledgePoint {id: $id})
OPTIONAL MATCH (c:Curriculum {key: 'active'})
RETURN c.fingerprint AS fingerprint,
       COLLECT { MATCH (k)<-[:REQUIRES*1..]-(d) WITH DISTINCT d RETURN d.ix } AS ixs
"""
ID_TABLE = """
MATCH (k:KnowledgePoint)
RETURN k.ix AS ix, k.id AS id
"""
# One breadth-first level at a time, for depth-limited closures (a var-length upper
# bound cannot be a parameter).
DIRECT_PREREQUISITES = """
UNWIND $ids AS id
MATCH (:KnowledgePoint {id: id})-[:REQUIRES]->(p)
WITH DISTINCT p
RETURN collect(p.id) AS ids
"""
DIRECT_DEPENDENTS = """
UNWIND $ids AS id
MATCH (:KnowledgePoint {id: id})<-[:REQUIRES]-(d)
WITH DISTINCT d
RETURN collect(d.id) AS ids
"""
RELATED = """
MATCH (:KnowledgePoint {id: $id})-[:RELATED]-(r:KnowledgePoint)
RETURN DISTINCT r.id AS id
"""

# The target, its transitive prerequisites, and each one's direct prerequisites,
# as one record: a list of [id, grade, [prerequisite ids]].
LEARNING_SUBGRAPH = """
MATCH (t:KnowledgePoint {id: $id})
OPTIONAL MATCH (t)-[:REQUIRES*1..]->(p)
WITH t, collect(DISTINCT p) AS ps
UNWIND ps + [t] AS n
RETURN collect([n.id, n.grade, [(n)-[:REQUIRES]->(q) | q.id]]) AS rows
"""
# The whole curriculum, for export (run together in one read transaction).
CURRICULUM_NAME = """
MATCH (c:Curriculum {key: 'active'}) RETURN c.name AS name
"""
ALL_RELATED = """
MATCH (a:KnowledgePoint)-[:RELATED]->(b:KnowledgePoint)
RETURN a.id AS a, b.id AS b
"""
ALL_STANDARDS = """
MATCH (s:Standard) RETURN s {.*} AS standard
"""
ALL_STANDARD_EDGES = """
MATCH (a:Standard)-[:REQUIRES]->(b:Standard)
RETURN b.id AS prerequisite, a.id AS dependent
"""
ALL_NODE_IDS = """
MATCH (k:KnowledgePoint) RETURN k.id AS id
"""
ALL_EDGES = """
MATCH (a:KnowledgePoint)-[:REQUIRES]->(b:KnowledgePoint)
RETURN b.id AS prerequisite, a.id AS dependent
"""

# -- content bank --------------------------------------------------------------------
# Item families, misconceptions and their links belong to the curriculum they were
# written for: loading a different curriculum removes them (in its transaction).
DELETE_CONTENT = """
MATCH (n) WHERE n:ItemFamily OR n:Misconception
DETACH DELETE n
"""
KNOWLEDGE_POINT_IDS = """
MATCH (k:KnowledgePoint) RETURN collect(k.id) AS ids
"""
CREATE_ITEM_FAMILIES = """
UNWIND $rows AS row
CREATE (f:ItemFamily {id: row.id, generator: row.generator, kp: row.kp, levels: row.levels})
WITH f, row
UNWIND row.assesses AS a
MATCH (k:KnowledgePoint {id: a.kp})
CREATE (f)-[:ASSESSES {weight: a.weight}]->(k)
"""
CREATE_MISCONCEPTIONS = """
UNWIND $rows AS row
CREATE (m:Misconception {id: row.id, description: row.description,
                         description_zh: row.description_zh})
WITH m, row
UNWIND row.signals AS kp_id
MATCH (k:KnowledgePoint {id: kp_id})
CREATE (m)-[:SIGNALS]->(k)
"""
ITEM_FAMILIES = """
MATCH (f:ItemFamily)
WHERE $kp IS NULL OR EXISTS { (f)-[:ASSESSES]->(:KnowledgePoint {id: $kp}) }
MATCH (f)-[a:ASSESSES]->(k:KnowledgePoint)
WITH f, k, a ORDER BY k.id
RETURN f.id AS id, f.generator AS generator, f.kp AS kp, f.levels AS levels,
       collect([k.id, a.weight]) AS assesses
ORDER BY id
"""
MISCONCEPTIONS = """
MATCH (m:Misconception)
WHERE $kp IS NULL OR EXISTS { (m)-[:SIGNALS]->(:KnowledgePoint {id: $kp}) }
MATCH (m)-[:SIGNALS]->(k:KnowledgePoint)
WITH m, k ORDER BY k.id
RETURN m.id AS id, m.description AS description, m.description_zh AS description_zh,
       collect(k.id) AS signals
ORDER BY id
"""
# (:Problem)-[:ASSESSES {weight: 1.0}]->(:KnowledgePoint) when mapped to a point.
DELETE_PROBLEMS_OF_SOURCE = """
MATCH (p:Problem {source: $source})
DETACH DELETE p
"""
CREATE_PROBLEMS = """
UNWIND $rows AS row
CREATE (p:Problem {id: row.id, source: row.source, skills: row.skills, title: row.title,
                   data: row.data})
WITH p, row WHERE row.kp IS NOT NULL
MATCH (k:KnowledgePoint {id: row.kp})
CREATE (p)-[:ASSESSES {weight: 1.0}]->(k)
"""
PROBLEMS = """
MATCH (p:Problem)
WHERE ($source IS NULL OR p.source = $source)
OPTIONAL MATCH (p)-[:ASSESSES]->(k:KnowledgePoint)
WITH p, k
WHERE $kp IS NULL OR k.id = $kp
RETURN p.id AS id, p.source AS source, k.id AS kp, p.skills AS skills, p.title AS title,
       p.data AS data
ORDER BY id
LIMIT $limit
"""
GET_PROBLEM = """
MATCH (p:Problem {id: $id})
OPTIONAL MATCH (p)-[:ASSESSES]->(k:KnowledgePoint)
RETURN p.id AS id, p.source AS source, k.id AS kp, p.skills AS skills, p.title AS title,
       p.data AS data
"""
CONTENT_COUNTS = """
OPTIONAL MATCH (f:ItemFamily)
WITH count(f) AS families, count(DISTINCT f.kp) AS family_kps
RETURN families, family_kps,
       COUNT { (:Misconception) } AS misconceptions,
       COUNT { (:Problem) } AS problems,
       COUNT { (:Problem)-[:ASSESSES]->(:KnowledgePoint) } AS mapped
"""

# -- people -----------------------------------------------------------------------------
TEACHER_EXISTS = """
MATCH (t:Teacher {id: $id}) RETURN t.name AS name
"""
CREATE_TEACHER = """
CREATE (:Teacher {id: $id, name: $name})
"""
CLASS_BY_ID = """
MATCH (t:Teacher)-[:TEACHES]->(c:Class {id: $id})
RETURN c.id AS id, c.name AS name, t.id AS teacher_id
"""
CREATE_CLASS = """
MATCH (t:Teacher {id: $teacher_id})
CREATE (t)-[:TEACHES]->(:Class {id: $id, name: $name})
"""
STUDENT_BY_ID = """
MATCH (s:Student {id: $id})
OPTIONAL MATCH (s)-[:MEMBER_OF]->(c:Class)
OPTIONAL MATCH (s)-[:GOAL]->(k:KnowledgePoint)
RETURN s.id AS id, s.name AS name, c.id AS class_id, k.id AS goal
"""
CREATE_STUDENT = """
CREATE (s:Student {id: $id, name: $name, attempt_seq: 0})
WITH s
OPTIONAL MATCH (c:Class {id: $class_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | CREATE (s)-[:MEMBER_OF]->(c))
WITH s
OPTIONAL MATCH (k:KnowledgePoint {id: $goal})
FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | CREATE (s)-[:GOAL]->(k))
"""
SET_GOAL = """
MATCH (s:Student {id: $id})
OPTIONAL MATCH (s)-[g:GOAL]->()
DELETE g
WITH DISTINCT s
OPTIONAL MATCH (k:KnowledgePoint {id: $goal})
FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | CREATE (s)-[:GOAL]->(k))
"""
LIST_CLASSES = """
MATCH (t:Teacher)-[:TEACHES]->(c:Class)
WHERE $teacher_id IS NULL OR t.id = $teacher_id
RETURN c.id AS id, c.name AS name, t.id AS teacher_id
ORDER BY id
"""
# delete_class: three statements in one transaction (attempts, then students, then the
# class). DETACH DELETE takes GOAL and MEMBER_OF with the students; the mastery lists, the
# stored path and the password hash are properties of the Student node. The teacher stays.
DELETE_CLASS_ATTEMPTS = """
MATCH (:Class {id: $id})<-[:MEMBER_OF]-(:Student)-[:MADE]->(a:Attempt)
DETACH DELETE a
"""
DELETE_CLASS_STUDENTS = """
MATCH (:Class {id: $id})<-[:MEMBER_OF]-(s:Student)
DETACH DELETE s
"""
DELETE_CLASS = """
MATCH (c:Class {id: $id})
DETACH DELETE c
"""
LIST_STUDENTS = """
MATCH (s:Student)
OPTIONAL MATCH (s)-[:MEMBER_OF]->(c:Class)
OPTIONAL MATCH (s)-[:GOAL]->(k:KnowledgePoint)
WITH s, c, k
WHERE $class_id IS NULL OR c.id = $class_id
RETURN s.id AS id, s.name AS name, c.id AS class_id, k.id AS goal
ORDER BY id
"""

# -- learner state ----------------------------------------------------------------------
# Layout (issue 17): everything an answer writes belongs to the student alone, so writers of
# different students never wait for each other's locks.
# * The attempt counter, the mastery states and the stored path are properties of the
#   Student node. Mastery is five parallel lists, one entry per knowledge point the student
#   has a state for: mastery_kps (ids), mastery_p, mastery_attempts, mastery_updated_at,
#   mastery_gap. (Before, each state was a (:Student)-[:MASTERY]->(:KnowledgePoint)
#   relationship: creating one locks the shared KnowledgePoint node, and 200 students
#   deadlocked on the first points of the curriculum. `tutor migrate` moves old stores.)
# * Attempts are nodes of their own, (:Student)-[:MADE]->(:Attempt {student_id, seq}),
#   found through the (student_id, seq) index, so a read of the last few costs the same
#   after ten answers as after ten thousand.
# A state whose point is no longer in the curriculum is kept but not shown (as the embedded
# engine's join does); the store filters by the ids of the curriculum it reads.

# Merge the states of $m_kps into the student's lists (a state for a point already there
# replaces it, the others are kept). Parallel lists, $m_kps with $m_p, $m_attempts,
# $m_updated_at and $m_gap; follows a clause that binds `s`. (The old lists are bound by
# WITH first: SET items run in order, so the second would otherwise see the first's result.)
_MERGE_MASTERY = """
WITH s, coalesce(s.mastery_kps, []) AS kps0, coalesce(s.mastery_p, []) AS p0,
     coalesce(s.mastery_attempts, []) AS n0, coalesce(s.mastery_updated_at, []) AS at0,
     coalesce(s.mastery_gap, []) AS gap0
WITH s, kps0, p0, n0, at0, gap0,
     [i IN range(0, size(kps0) - 1) WHERE NOT kps0[i] IN $m_kps] AS keep
FOREACH (_ IN CASE WHEN size($m_kps) > 0 THEN [1] ELSE [] END |
    SET s.mastery_kps = [i IN keep | kps0[i]] + $m_kps,
        s.mastery_p = [i IN keep | p0[i]] + $m_p,
        s.mastery_attempts = [i IN keep | n0[i]] + $m_attempts,
        s.mastery_updated_at = [i IN keep | at0[i]] + $m_updated_at,
        s.mastery_gap = [i IN keep | gap0[i]] + $m_gap)
"""
_PATH_PROPERTIES = """s.path_kps = $kps, s.path_next_kp = $next_kp, s.path_reason = $reason,
    s.path_reason_zh = $reason_zh, s.path_gap = $gap, s.path_updated_at = $updated_at,
    s.path_goal = $goal, s.path_kind = $kind"""
# record_attempt in ONE statement (one round trip, one query plan): claim the counter,
# look up the points $check_kps, and only if the claimed number follows $expected_seq (null:
# no check) and every point is stored, write the attempt, the mastery states (if any) and
# the path (if $with_path). The counter's SET reads the property it writes (a direct
# dependency), so Cypher takes the Student node's write lock BEFORE reading it: concurrent
# submissions of one student queue there and each sees the previous one's number, so the
# check is race-free. When `ok` is false nothing but the claim was written, and the caller
# raises, which rolls the claim back.
RECORD_ATTEMPT = (
    """
MATCH (s:Student {id: $student_id})
SET s.attempt_seq = coalesce(s.attempt_seq, 0) + 1
WITH s, s.attempt_seq AS seq,
     COLLECT { UNWIND $check_kps AS id MATCH (k:KnowledgePoint {id: id}) RETURN k.id } AS found
WITH s, seq, found,
     ($expected_seq IS NULL OR seq - 1 = $expected_seq) AND size(found) = size($check_kps) AS ok
CALL (s, seq, ok) {
    WITH s, seq, ok WHERE ok
    CREATE (s)-[:MADE]->(:Attempt {student_id: $student_id, seq: seq,
        item_id: $item_id, kp: $kp, answer: $answer, status: $status, correct: $correct,
        misconception: $misconception, gap_kps: $gap_kps, at: $at,
        hints: $hints, retry_answer: $retry_answer, retry_status: $retry_status,
        solution_shown: $solution_shown})
    FOREACH (_ IN CASE WHEN $with_path THEN [1] ELSE [] END | SET """
    + _PATH_PROPERTIES
    + """)
    WITH s"""
    + _MERGE_MASTERY
    + """}
RETURN seq, found, ok
"""
)
# learner_state in one read: the student, their class and goal, the curriculum
# fingerprint, the latest attempt number (the counter), the [seq, item id] of the last
# $recent attempts (an index range, not a walk over every attempt), and the mastery lists.
# No row: no such student.
LEARNER_STATE = """
MATCH (s:Student {id: $student_id})
OPTIONAL MATCH (s)-[:MEMBER_OF]->(c:Class)
OPTIONAL MATCH (s)-[:GOAL]->(g:KnowledgePoint)
OPTIONAL MATCH (cur:Curriculum {key: 'active'})
WITH s, c, g, cur, coalesce(s.attempt_seq, 0) AS last
RETURN s.name AS name, c.id AS class_id, g.id AS goal,
       cur IS NOT NULL AS has_curriculum, cur.fingerprint AS fingerprint, last,
       COLLECT { MATCH (a:Attempt {student_id: $student_id}) WHERE a.seq > last - $recent
                 RETURN [a.seq, a.item_id] } AS recent,
       s.mastery_kps AS kps, s.mastery_p AS p, s.mastery_attempts AS attempts,
       s.mastery_updated_at AS updated_at, s.mastery_gap AS gap
"""
KNOWLEDGE_POINTS_PRESENT = """
UNWIND $ids AS id
MATCH (k:KnowledgePoint {id: id})
RETURN collect(k.id) AS found
"""
# mastery(): the lists and the fingerprint of the curriculum they are filtered by.
MASTERY = """
MATCH (s:Student {id: $student_id})
OPTIONAL MATCH (cur:Curriculum {key: 'active'})
RETURN cur IS NOT NULL AS has_curriculum, cur.fingerprint AS fingerprint,
       s.mastery_kps AS kps, s.mastery_p AS p, s.mastery_attempts AS attempts,
       s.mastery_updated_at AS updated_at, s.mastery_gap AS gap
"""
# One attempt, for record_turn (which reads it in the write transaction, then SETs the
# turn's properties; attempts stored before turns existed lack them, read as defaults).
ATTEMPT = """
MATCH (a:Attempt {student_id: $student_id, seq: $seq})
RETURN a {.*} AS a
"""
SET_ATTEMPT_TURN = """
MATCH (a:Attempt {student_id: $student_id, seq: $seq})
SET a.hints = $hints, a.retry_answer = $retry_answer, a.retry_status = $retry_status,
    a.solution_shown = $solution_shown
"""
# The newest $limit attempts (the index range below the counter).
ATTEMPTS = """
MATCH (s:Student {id: $student_id})
MATCH (a:Attempt {student_id: $student_id}) WHERE a.seq > coalesce(s.attempt_seq, 0) - $limit
RETURN a {.*} AS a
ORDER BY a.seq DESC
"""

DIRECT_PREREQUISITE_MAP = """
UNWIND $ids AS id
MATCH (k:KnowledgePoint {id: id})
RETURN k.id AS id, [(k)-[:REQUIRES]->(p) | p.id] AS prereqs
"""

# -- accounts and stored paths -------------------------------------------------------------
# The password hash is a property of the Teacher or Student node (never the password).
PERSON_ROLES = """
OPTIONAL MATCH (t:Teacher {id: $id})
OPTIONAL MATCH (s:Student {id: $id})
RETURN t IS NOT NULL AS teacher, s IS NOT NULL AS student,
       t.password_hash AS teacher_hash, s.password_hash AS student_hash
"""
SET_TEACHER_KDF_HASH = """
MATCH (t:Teacher {id: $id}) SET t.password_hash = $hash
"""
SET_STUDENT_KDF_HASH = """
MATCH (s:Student {id: $id}) SET s.password_hash = $hash
"""
PEOPLE_TAKEN = """
UNWIND $ids AS id
OPTIONAL MATCH (s:Student {id: id})
OPTIONAL MATCH (t:Teacher {id: id})
WITH id, s, t WHERE s IS NOT NULL OR t IS NOT NULL
RETURN id, s IS NOT NULL AS student
ORDER BY id
"""
CREATE_STUDENTS = """
UNWIND $rows AS row
CREATE (s:Student {id: row.id, name: row.name, attempt_seq: 0})
SET s.password_hash = row.hash
WITH s, row
OPTIONAL MATCH (c:Class {id: row.class_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | CREATE (s)-[:MEMBER_OF]->(c))
WITH s, row
OPTIONAL MATCH (k:KnowledgePoint {id: row.goal})
FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | CREATE (s)-[:GOAL]->(k))
"""
CLASSES_PRESENT = """
UNWIND $ids AS id
MATCH (c:Class {id: id})
RETURN collect(c.id) AS found
"""
# The path lives on the Student node: one node lock, no MERGE race between two writers.
SET_PATH = "MATCH (s:Student {id: $student_id})\nSET " + _PATH_PROPERTIES
GET_PATH = """
MATCH (s:Student {id: $student_id})
RETURN s.path_kps AS kps, s.path_next_kp AS next_kp, s.path_reason AS reason,
       s.path_reason_zh AS reason_zh, s.path_gap AS gap, s.path_updated_at AS updated_at,
       s.path_goal AS goal, s.path_kind AS kind
"""

# The initial knowledge check lives on the Student node too (a JSON document and its
# version): the node lock orders two writers, and the version check refuses a stale one.
# The first statement claims the node (its write lock) and reads the version; the second
# writes the document with any mastery rows (a finished check sets them).
CLAIM_PLACEMENT = """
MATCH (s:Student {id: $student_id})
SET s.placement_version = coalesce(s.placement_version, 0)
RETURN s.placement_version AS version,
       COLLECT { UNWIND $kps AS id MATCH (k:KnowledgePoint {id: id}) RETURN k.id } AS found
"""
SET_PLACEMENT = (
    """
MATCH (s:Student {id: $student_id})
SET s.placement_doc = $document, s.placement_version = $version
WITH s"""
    + _MERGE_MASTERY
)
GET_PLACEMENT = """
MATCH (s:Student {id: $student_id})
RETURN s.placement_doc AS document, s.placement_version AS version
"""

# -- the learner-state layout: finding and moving the old one (`tutor migrate`) ------------
# Any (:Student)-[:MASTERY]->(:KnowledgePoint) relationship means the store still holds
# learner state in the layout before issue 17 (one relationship-type lookup, no scan).
OLD_LAYOUT_PRESENT = """
OPTIONAL MATCH ()-[m:MASTERY]->()
WITH m LIMIT 1
RETURN m IS NOT NULL AS found
"""
# One batch of students with old MASTERY relationships. The SET takes each student's write
# lock before their relationships are read (as a writer's claim does), so an old-layout
# writer still running cannot add one between this read and the delete that follows.
OLD_MASTERY_BATCH = """
MATCH (s:Student)-[:MASTERY]->(:KnowledgePoint)
WITH DISTINCT s LIMIT $batch
SET s.attempt_seq = coalesce(s.attempt_seq, 0)
RETURN s.id AS id,
       COLLECT { MATCH (s)-[m:MASTERY]->(k:KnowledgePoint)
                 RETURN [k.id, m.p, m.attempts, m.updated_at, coalesce(m.gap, false)] } AS old,
       s.mastery_kps AS kps, s.mastery_p AS p, s.mastery_attempts AS attempts,
       s.mastery_updated_at AS updated_at, s.mastery_gap AS gap
"""
SET_MASTERY_LISTS = """
UNWIND $rows AS row
MATCH (s:Student {id: row.id})
SET s.mastery_kps = row.kps, s.mastery_p = row.p, s.mastery_attempts = row.attempts,
    s.mastery_updated_at = row.updated_at, s.mastery_gap = row.gap
"""
DELETE_OLD_MASTERY = """
UNWIND $ids AS id
MATCH (:Student {id: id})-[m:MASTERY]->()
DELETE m
RETURN count(m) AS removed
"""
# The counter must be the latest attempt number (learner_state reads it as such).
FIX_ATTEMPT_COUNTERS = """
MATCH (s:Student)
WITH s, COLLECT { MATCH (s)-[:MADE]->(a:Attempt) RETURN max(a.seq) }[0] AS top
WHERE s.attempt_seq IS NULL OR s.attempt_seq < coalesce(top, 0)
SET s.attempt_seq = coalesce(top, 0)
RETURN count(s) AS fixed
"""
