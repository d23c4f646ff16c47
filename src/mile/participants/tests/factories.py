from __future__ import annotations

import datetime as dt

import factory

from mile.participants.models import Gender, Participant, ResidenceStatus, WorkAuthorisation


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant

    given_names = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Testperson{n}")
    birth_date = dt.date(1990, 5, 17)
    gender = Gender.FEMALE
    nationalities = ["SY"]
    residence_status = ResidenceStatus.REFUGEE
    work_authorisation = WorkAuthorisation.YES
    programme = factory.LazyAttribute(lambda o: o.site.programme)
    organisation = factory.LazyAttribute(lambda o: o.site.lead_partner)


def participant_in(site, **kwargs) -> Participant:
    return ParticipantFactory(site=site, **kwargs)
