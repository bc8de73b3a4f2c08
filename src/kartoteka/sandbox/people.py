"""Plainly synthetic personal names for the sandbox.

Every surname, first name and patronymic is built from words that mean "test", "model",
"sample", "draft" and the like, so that nobody can mistake a sandbox defendant for a real
person, and a name that leaks into a report shows at once that it came from the sandbox.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_SURNAMES = [
    "Тестов",
    "Макетов",
    "Образцов",
    "Примеров",
    "Шаблонов",
    "Пробников",
    "Условнов",
    "Вымыслов",
    "Выдумкин",
    "Небылицын",
    "Фантомов",
    "Черновиков",
    "Эскизов",
    "Набросков",
    "Муляжов",
    "Манекенов",
    "Болванкин",
    "Заготовкин",
    "Прототипов",
    "Стендов",
    "Полигонов",
    "Тренажёров",
    "Учебнов",
    "Опытнов",
    "Демонстров",
    "Симуляков",
    "Модельцев",
    "Пустышкин",
    "Заглушкин",
    "Понарошкин",
]
_FIRST = [
    "Тест",
    "Макет",
    "Пример",
    "Образец",
    "Шаблон",
    "Эскиз",
    "Черновик",
    "Прототип",
    "Стенд",
    "Набросок",
    "Муляж",
    "Опыт",
]
_PATRONYMIC = [
    "Тестович",
    "Макетович",
    "Примерович",
    "Образцович",
    "Шаблонович",
    "Эскизович",
    "Черновикович",
    "Прототипович",
    "Стендович",
    "Опытович",
]


@dataclass(frozen=True, slots=True)
class SynthName:
    surname: str
    first: str
    patronymic: str

    @property
    def full(self) -> str:
        return f"{self.surname} {self.first} {self.patronymic}"

    @property
    def short(self) -> str:
        """`Тестов Т.М.`: surname and initials, as listings and judges' names show them."""
        return f"{self.surname} {self.first[0]}.{self.patronymic[0]}."

    @property
    def initials(self) -> str:
        """`Т.М.Т.`: how published act texts anonymise a defendant."""
        return f"{self.surname[0]}.{self.first[0]}.{self.patronymic[0]}."


def synth_name(rng: random.Random) -> SynthName:
    return SynthName(rng.choice(_SURNAMES), rng.choice(_FIRST), rng.choice(_PATRONYMIC))
