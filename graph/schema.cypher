// kptutor graph schema for Neo4j 5: constraints and indexes.
// Applied idempotently (IF NOT EXISTS) every time a store is opened.
// The logical schema is in DESIGN.md ("Graph schema"); the embedded engine has the same.
CREATE CONSTRAINT knowledge_point_id IF NOT EXISTS FOR (k:KnowledgePoint) REQUIRE k.id IS UNIQUE;
CREATE CONSTRAINT standard_id IF NOT EXISTS FOR (s:Standard) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT item_family_id IF NOT EXISTS FOR (f:ItemFamily) REQUIRE f.id IS UNIQUE;
CREATE CONSTRAINT misconception_id IF NOT EXISTS FOR (m:Misconception) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT student_id IF NOT EXISTS FOR (s:Student) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT class_id IF NOT EXISTS FOR (c:Class) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT teacher_id IF NOT EXISTS FOR (t:Teacher) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT curriculum_key IF NOT EXISTS FOR (c:Curriculum) REQUIRE c.key IS UNIQUE;
CREATE INDEX knowledge_point_grade IF NOT EXISTS FOR (k:KnowledgePoint) ON (k.grade);
CREATE INDEX knowledge_point_domain IF NOT EXISTS FOR (k:KnowledgePoint) ON (k.domain);
CREATE CONSTRAINT problem_id IF NOT EXISTS FOR (p:Problem) REQUIRE p.id IS UNIQUE;
CREATE INDEX problem_source IF NOT EXISTS FOR (p:Problem) ON (p.source);
CREATE INDEX attempt_student IF NOT EXISTS FOR (a:Attempt) ON (a.student_id, a.seq);
// Sessions (by the SHA-256 of their token) and the sign-in throttle's counts.
CREATE CONSTRAINT session_token_hash IF NOT EXISTS FOR (s:Session) REQUIRE s.token_hash IS UNIQUE;
CREATE INDEX session_user IF NOT EXISTS FOR (s:Session) ON (s.user_id);
CREATE INDEX session_expiry IF NOT EXISTS FOR (s:Session) ON (s.expires_at);
CREATE CONSTRAINT sign_in_throttle_key IF NOT EXISTS FOR (f:SignInThrottle) REQUIRE f.key IS UNIQUE;
