from auditlog.registry import auditlog

from mile.activities import models as m

for model in (
    m.Course,
    m.CourseSession,
    m.Enrolment,
    m.Attendance,
    m.StudyVisit,
    m.StudyVisitItem,
    m.StudyVisitor,
    m.WorkingGroup,
    m.GroupMember,
    m.GroupMeeting,
    m.MeetingAttendance,
    m.ActionItem,
    m.GroupOutput,
    m.Event,
    m.EventRegistration,
    m.EventMaterial,
):
    auditlog.register(model)
auditlog.register(m.SurveyResponse, exclude_fields=["comments"])
